import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The SQS actions Switchboard uses. */
export type SqsAction = 'SendMessage' | 'ReceiveMessage' | 'DeleteMessage' | 'ChangeMessageVisibility';

/** Calls one SQS action on a queue; resolves with SQS's answer. */
export type SqsCall = (action: SqsAction, queueUrl: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

// Each command's input is checked by the service; they all take QueueUrl.
type Input = { QueueUrl: string } & Record<string, unknown>;
type Command = SendMessageCommand | ReceiveMessageCommand | DeleteMessageCommand | ChangeMessageVisibilityCommand;
const commands: Record<SqsAction, (input: Input) => Command> = {
  SendMessage: (input) => new SendMessageCommand(input as unknown as ConstructorParameters<typeof SendMessageCommand>[0]),
  ReceiveMessage: (input) => new ReceiveMessageCommand(input),
  DeleteMessage: (input) => new DeleteMessageCommand(input as unknown as ConstructorParameters<typeof DeleteMessageCommand>[0]),
  ChangeMessageVisibility: (input) => new ChangeMessageVisibilityCommand(input as unknown as ConstructorParameters<typeof ChangeMessageVisibilityCommand>[0]),
};

/** SqsCall on the AWS SDK's SQS client (its signing, retries and checksums). */
export function sqsSdkCall(client: SQSClient): SqsCall {
  return async (action, queueUrl, input) => {
    const command = commands[action]({ QueueUrl: queueUrl, ...input });
    // One send for several command types: the SDK's overloads cannot see that union.
    const output: object = await client.send(command as SendMessageCommand);
    return { ...output };
  };
}
