import { z } from 'zod';
import type { DeadLetterInbox, DeadLetterReason, ReceivedLetter, UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { Settlement } from '../../ports/usage-store.js';
import type { SqsCall } from '../sqs/sqs-sdk-call.js';
import { decodeLetter, encodeLetter } from './dead-letter-codec.js';

const receivedSchema = z.object({
  Messages: z.array(z.object({ MessageId: z.string(), ReceiptHandle: z.string(), Body: z.string() }).loose()).optional(),
});

/**
 * Dead letters in an SQS queue (deployed: the stack's usage dead-letter queue, with an alarm
 * on its messages). Replay receives them, and deletes each once its settlement is written.
 */
export class SqsUsageDeadLetters implements UsageDeadLetters, DeadLetterInbox {
  constructor(
    private readonly sqs: SqsCall,
    private readonly queueUrl: string,
    /** How long a letter received by a replay stays hidden from the next receive. */
    private readonly replayVisibilitySeconds = 300,
  ) {}

  get description(): string {
    return this.queueUrl;
  }

  async put(settlement: Settlement, reason: DeadLetterReason): Promise<void> {
    await this.sqs('SendMessage', this.queueUrl, { MessageBody: encodeLetter({ settlement, reason, at: Date.now() }) });
  }

  /**
   * Until the queue has nothing visible left, or only letters this replay has seen (a letter
   * kept becomes visible again after `replayVisibilitySeconds`): never an endless loop.
   */
  async *letters(): AsyncGenerator<ReceivedLetter> {
    const seen = new Set<string>();
    for (;;) {
      const { Messages = [] } = receivedSchema.parse(
        await this.sqs('ReceiveMessage', this.queueUrl, { MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: this.replayVisibilitySeconds }),
      );
      const fresh = Messages.filter((message) => !seen.has(message.MessageId));
      if (fresh.length === 0) return;
      for (const message of fresh) {
        seen.add(message.MessageId);
        let letter;
        try {
          letter = decodeLetter(message.Body);
        } catch (error) {
          console.error(`Message ${message.MessageId} is not a dead letter; it is left in the queue: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
          continue;
        }
        yield {
          letter,
          remove: async () => void (await this.sqs('DeleteMessage', this.queueUrl, { ReceiptHandle: message.ReceiptHandle })),
          // Left in the queue: visible again after the visibility timeout, for a later replay.
          keep: async () => undefined,
        };
      }
    }
  }
}
