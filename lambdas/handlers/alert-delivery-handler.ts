import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { eventOfMessage } from '../adapters/dead-letters/alert-dead-letter-codec.js';
import type { WebhookDeliverer } from '../gateway/alerts/webhook-deliverer.js';
import { lazily } from './function-url-runtime.js';

/**
 * The delivery Lambda: a batch of the alert queue's messages (EventBridge events, or replays),
 * each delivered to its webhooks at once, side by side. A message whose deliveries all ended
 * delivered or dead-lettered is done; one that could not be read, or whose failed delivery
 * could not be dead-lettered, is reported as a batch item failure, so SQS gives back only that
 * message (and, past the queue's receive count, moves it to the dead-letter queue).
 */
export function createAlertDeliveryHandler(init: () => Promise<Pick<WebhookDeliverer, 'deliver'>>) {
  const ready = lazily(init);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const deliverer = await ready();
    const outcomes = await Promise.all(
      event.Records.map(async (record): Promise<SQSBatchItemFailure | undefined> => {
        try {
          await deliverer.deliver(eventOfMessage(record.body));
          return undefined;
        } catch (error) {
          console.error(JSON.stringify({ level: 'error', msg: 'alert message not handled; SQS gives it back', message: record.messageId, error: error instanceof Error ? error.message.slice(0, 500) : String(error) }));
          return { itemIdentifier: record.messageId };
        }
      }),
    );
    return { batchItemFailures: outcomes.filter((failure): failure is SQSBatchItemFailure => failure !== undefined) };
  });
}
