import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type GetQueryExecutionInput,
  type GetQueryExecutionOutput,
  type GetQueryResultsInput,
  type GetQueryResultsOutput,
  type StartQueryExecutionInput,
  type StartQueryExecutionOutput,
  type StopQueryExecutionInput,
  type StopQueryExecutionOutput,
} from '@aws-sdk/client-athena';

/** The Athena actions analytics uses, with the SDK's shapes (the role allows exactly these: lib/request-logs.ts). */
export interface AthenaActions {
  StartQueryExecution: { input: StartQueryExecutionInput; output: StartQueryExecutionOutput };
  GetQueryExecution: { input: GetQueryExecutionInput; output: GetQueryExecutionOutput };
  GetQueryResults: { input: GetQueryResultsInput; output: GetQueryResultsOutput };
  StopQueryExecution: { input: StopQueryExecutionInput; output: StopQueryExecutionOutput };
}

export type AthenaAction = keyof AthenaActions;

/** Calls one Athena action; tests give a fake that answers as Athena does. */
export type AthenaSend = <Action extends AthenaAction>(action: Action, input: AthenaActions[Action]['input']) => Promise<AthenaActions[Action]['output']>;

/** AthenaSend on the AWS SDK's client (its signing, retries and idempotency tokens). */
export function athenaSdkSend(client: AthenaClient): AthenaSend {
  const send = async (action: AthenaAction, input: object): Promise<object> => {
    switch (action) {
      case 'StartQueryExecution':
        return client.send(new StartQueryExecutionCommand(input as StartQueryExecutionInput));
      case 'GetQueryExecution':
        return client.send(new GetQueryExecutionCommand(input as GetQueryExecutionInput));
      case 'GetQueryResults':
        return client.send(new GetQueryResultsCommand(input as GetQueryResultsInput));
      case 'StopQueryExecution':
        return client.send(new StopQueryExecutionCommand(input as StopQueryExecutionInput));
    }
  };
  // One function for four actions: TypeScript cannot relate the switch's outputs to `Action`.
  return send as AthenaSend;
}
