import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  router: lambda.IFunction;
  deadLetters: sqs.IQueue;
  /** Usage settlements waiting for replay (see UsageDeadLetters). */
  usageDeadLetters: cloudwatch.IMetric;
  /** The usage fold, whose falling behind delays uncapped keys' counters and alerts. */
  usageFold: lambda.IFunction;
  email?: string;
}

/** Operational alarms (router errors and throttles, undeliverable alerts, usage and request-log records not written, a usage fold behind) sent to one SNS topic. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topicKey = alarmTopicKey(this);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Switchboard alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const notify = new actions.SnsAction(this.topic);
    const period = Duration.minutes(5);

    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([errors, invocations])',
      usingMetrics: {
        errors: props.router.metricErrors({ period, statistic: 'Sum' }),
        invocations: props.router.metricInvocations({ period, statistic: 'Sum' }),
      },
      label: 'Router error rate (%)',
      period,
    });
    const alarms = [
      errorRate.createAlarm(this, 'RouterErrorRate', {
        alarmDescription: 'More than 5% of router invocations failed (crashed or timed out) over 5 minutes',
        threshold: 5,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      props.router.metricThrottles({ period, statistic: 'Sum' }).createAlarm(this, 'RouterThrottles', {
        alarmDescription: 'The router was throttled: raise its reserved concurrency or the account limit',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }).createAlarm(this, 'AlertDeadLetters', {
        alarmDescription: 'Alert events could not be delivered and wait in the dead-letter queue: replay them with POST /v1/manage/webhook/{id}/replay (README, Alerts)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'UsageDeadLetters', {
        metric: props.usageDeadLetters,
        alarmDescription: 'Usage could not be written to DynamoDB and waits in the usage dead-letter queue: run npm run replay-usage (README)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionsMap: { FunctionName: props.usageFold.functionName },
        period,
        statistic: 'Maximum',
      }).createAlarm(this, 'UsageFoldBehind', {
        alarmDescription: 'The usage fold is more than 5 minutes behind the usage table stream: counters, usage reports and budget alerts of keys without a limit lag (see its log for "usage not folded")',
        threshold: 300_000,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      requestLogDropped(period).createAlarm(this, 'RequestLogDropped', {
        alarmDescription: 'The router dropped request-log records (Firehose refused or was unreachable): analytics miss those requests; see the router log lines "request log records dropped"',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(notify);
  }
}

/** Request-log and feedback records the router dropped: the EMF metric of lambdas/adapters/request-log/dropped-records.ts. */
function requestLogDropped(period: Duration): cloudwatch.MathExpression {
  const dropped = (log: string) => new cloudwatch.Metric({ namespace: 'Switchboard', metricName: 'RequestLogDropped', dimensionsMap: { Log: log }, period, statistic: 'Sum' });
  return new cloudwatch.MathExpression({
    expression: 'FILL(requests, 0) + FILL(feedback, 0)',
    usingMetrics: { requests: dropped('requests'), feedback: dropped('feedback') },
    label: 'Request-log records dropped',
    period,
  });
}

/**
 * A customer-managed key for the alarm topic. CloudWatch encrypts what it publishes with the
 * topic's key, and the AWS-managed `alias/aws/sns` key's policy does not let CloudWatch use it, so
 * alarms on such a topic never notify. This key's policy lets CloudWatch use it on behalf of this
 * account's alarms in this region only.
 */
function alarmTopicKey(scope: Construct): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Switchboard: encrypts the alarm topic; CloudWatch alarms of this account may publish with it',
    enableKeyRotation: true,
    // It protects only alarm notifications in flight, which do not outlive the topic.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTheTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      // In a key policy, `*` is this key.
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return key;
}
