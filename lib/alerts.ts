import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The `source` of every event Switchboard puts on its alert bus. */
export const alertEventSource = 'switchboard';

/**
 * The alert pipeline up to delivery: an EventBridge bus for alert events (budget thresholds and
 * the like), a rule that queues them for the webhook deliverer with retries, and dead-letter
 * queues for what cannot be queued or delivered. The deliverer consumes `deliveries`.
 */
export class Alerts extends Construct {
  readonly bus: events.EventBus;
  readonly deliveries: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { description: 'Switchboard alert events' });
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue; it has none of its own.',
    });
    this.deliveries = new sqs.Queue(this, 'Deliveries', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than any webhook attempt, so a message is not handed out twice concurrently.
      visibilityTimeout: Duration.minutes(2),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 8 },
    });
    new events.Rule(this, 'ToDeliveries', {
      eventBus: this.bus,
      description: 'Queue every Switchboard alert for webhook delivery',
      eventPattern: { source: [alertEventSource] },
      targets: [
        new targets.SqsQueue(this.deliveries, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 10,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}
