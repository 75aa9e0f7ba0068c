import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Where the router puts usage it could not write to DynamoDB (a settlement refused or failing
 * past its retries), for `npm run replay-usage --queue-url`. SQS keeps a letter 14 days; a
 * letter that replays received 100 times without writing it moves to `overflow`, which keeps
 * it until the same 14 days from its first arrival are over. The alarm counts both.
 */
export class UsageDeadLetters extends Construct {
  readonly queue: sqs.Queue;
  readonly overflow: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const retentionPeriod = Duration.days(14);
    this.overflow = new sqs.Queue(this, 'Overflow', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod });
    Validations.of(this.overflow).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the usage dead-letter queue; it has none of its own.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod,
      deadLetterQueue: { queue: this.overflow, maxReceiveCount: 100 },
    });
  }

  /** Lets `fn` put letters, and nothing else (replay runs with the operator's credentials). */
  grantPut(fn: lambda.IFunction): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
  }

  /** Letters waiting for replay, in both queues. */
  metricWaiting(period: Duration): cloudwatch.IMetric {
    return new cloudwatch.MathExpression({
      expression: 'queue + overflow',
      usingMetrics: {
        queue: this.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        overflow: this.overflow.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      },
      label: 'Usage dead letters waiting',
      period,
    });
  }
}
