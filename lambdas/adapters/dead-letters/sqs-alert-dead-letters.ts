import { z } from 'zod';
import type { AlertDeadLetter, AlertDeadLetters, WaitingEvent } from '../../ports/alert-dead-letters.js';
import type { SqsCall } from '../sqs/sqs-sdk-call.js';
import { encodeAlertLetter, eventOfMessage, waitsFor } from './alert-dead-letter-codec.js';

const receivedSchema = z.object({
  Messages: z.array(z.object({ MessageId: z.string(), ReceiptHandle: z.string(), Body: z.string() }).loose()).optional(),
});

export interface SqsAlertDeadLettersOptions {
  /** How long a received message stays hidden while a replay looks at it. */
  visibilitySeconds: number;
  /** A replay looks at no more messages than this (the rest wait for the next one). */
  maxMessages: number;
}

/**
 * Alert dead letters in the stack's alert dead-letter queue, beside the events EventBridge
 * could not queue and those the deliverer failed on past the queue's receive count. A replay
 * receives the queue's messages, hands on those waiting for its webhook, deletes what the
 * caller removed, and makes every other message it received visible again at once.
 */
export class SqsAlertDeadLetters implements AlertDeadLetters {
  constructor(
    private readonly sqs: SqsCall,
    private readonly queueUrl: string,
    // A replay runs inside the management API's 30 s: 200 messages (each published and deleted) fit well.
    private readonly options: SqsAlertDeadLettersOptions = { visibilitySeconds: 60, maxMessages: 200 },
  ) {}

  get description(): string {
    return this.queueUrl;
  }

  async put(letter: AlertDeadLetter): Promise<void> {
    await this.sqs('SendMessage', this.queueUrl, { MessageBody: encodeAlertLetter(letter) });
  }

  async *waiting(webhookId: string): AsyncGenerator<WaitingEvent> {
    const seen = new Set<string>();
    const toRelease = new Map<string, string>();
    try {
      while (seen.size < this.options.maxMessages) {
        const { Messages = [] } = receivedSchema.parse(
          await this.sqs('ReceiveMessage', this.queueUrl, { MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: this.options.visibilitySeconds }),
        );
        const fresh = Messages.filter((message) => !seen.has(message.MessageId));
        if (fresh.length === 0) return;
        for (const message of fresh) {
          seen.add(message.MessageId);
          toRelease.set(message.MessageId, message.ReceiptHandle);
          let event;
          try {
            event = eventOfMessage(message.Body);
          } catch {
            continue;
          }
          if (!waitsFor(event, webhookId)) continue;
          yield {
            event,
            remove: async () => {
              await this.sqs('DeleteMessage', this.queueUrl, { ReceiptHandle: message.ReceiptHandle });
              toRelease.delete(message.MessageId);
            },
          };
        }
      }
    } finally {
      // Other webhooks' letters (and any not replayed) are visible again for the next replay, not hidden for a minute.
      await Promise.all(
        [...toRelease.values()].map((handle) =>
          this.sqs('ChangeMessageVisibility', this.queueUrl, { ReceiptHandle: handle, VisibilityTimeout: 0 }).catch(() => undefined),
        ),
      );
    }
  }
}
