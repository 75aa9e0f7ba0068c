import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alertPartitions } from '../lambdas/adapters/dynamodb/dynamodb-alert-config.js';
import { alertMarkerPrefix } from '../lambdas/adapters/dynamodb/dynamodb-alert-markers.js';
import { alertEventSource } from '../lambdas/core/alerts/alert-event.js';
import { GatewayFunction, type FunctionOptions } from './gateway-function.js';
import { lambdaEntries } from './lambda-entries.js';

/**
 * The key webhook signing secrets are sealed with, shared by the regions like the directory
 * that holds the sealed secrets: the home stack makes it (and replicates it), another region
 * reads its replica by name.
 */
export type WebhookKeySource = { create: string; replicaRegions: readonly string[] } | { existing: string };

export interface AlertsProps {
  /** Where webhooks and alerts are kept (see DynamoDbWebhookStore). */
  directoryTable: dynamodb.ITableV2;
  webhookKey: WebhookKeySource;
  functions: FunctionOptions;
  production: boolean;
}

/** Each attempt may take 15 s: 4 attempts and the backoff between them (2, 4, 8 s) fit, with room. */
const deliveryTimeout = Duration.minutes(2);

/**
 * The alert pipeline: an EventBridge bus the router publishes threshold crossings to, a rule
 * that queues them, the delivery Lambda that POSTs each to the webhooks (signed, retried, then
 * dead-lettered), and the dead-letter queue that `POST /v1/manage/webhook/{id}/replay`
 * re-drives. The DLQ's depth alarm is in Alarms.
 */
export class Alerts extends Construct {
  readonly bus: events.EventBus;
  readonly deliveries: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly webhookKey: secretsmanager.ISecret;
  readonly delivery: lambda.Function;

  constructor(scope: Construct, id: string, props: AlertsProps) {
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
      // Six times the delivery function's timeout, as Lambda advises for SQS sources.
      visibilityTimeout: Duration.minutes(12),
      // The deliverer dead-letters failed deliveries itself; this catches messages it could not handle (a crash, a timeout).
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
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
    this.webhookKey = webhookKeySecret(this, props);
    this.delivery = this.deliveryFunction(props);
  }

  /** The router publishes crossings to the bus, and reads the alerts and the group admins their payloads name. */
  connectRouter(router: lambda.Function, directoryTable: dynamodb.ITableV2): void {
    router.addEnvironment('ALERT_EVENT_BUS_NAME', this.bus.eventBusName);
    this.bus.grantPutEventsTo(router);
    router.addToRolePolicy(onPartitions(['dynamodb:Query'], directoryTable, [alertPartitions.alerts, 'group#*']));
  }

  /**
   * The management API seals new webhook secrets and sends test events (the key), replays dead
   * letters (the DLQ onto the bus), and re-arms balance alerts on a top-up (their markers, the
   * only usage items it writes).
   */
  connectManagement(management: lambda.Function, usageTable: dynamodb.ITableV2): void {
    for (const [name, value] of Object.entries(this.functionEnvironment())) management.addEnvironment(name, value);
    management.addEnvironment('ALERT_EVENT_BUS_NAME', this.bus.eventBusName);
    this.bus.grantPutEventsTo(management);
    this.webhookKey.grantRead(management);
    management.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], resources: [this.deadLetters.queueArn] }),
    );
    management.addToRolePolicy(onPartitions(['dynamodb:UpdateItem'], usageTable, [`${alertMarkerPrefix}*`]));
  }

  private deliveryFunction(props: AlertsProps): lambda.Function {
    const { function: fn } = new GatewayFunction(this, 'Delivery', {
      ...props.functions,
      entry: lambdaEntries.alertDelivery,
      description: 'Switchboard alert delivery: POSTs alert events to webhooks, signed, retried, then dead-lettered',
      // Waiting on webhook receivers, not computing.
      memorySize: 256,
      timeout: deliveryTimeout,
      environment: { DIRECTORY_TABLE: props.directoryTable.tableName, ...this.functionEnvironment() },
    });
    fn.addEventSource(new SqsEventSource(this.deliveries, { batchSize: 10, reportBatchItemFailures: true }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));
    fn.addToRolePolicy(onPartitions(['dynamodb:GetItem', 'dynamodb:Query'], props.directoryTable, [alertPartitions.webhooks]));
    fn.addToRolePolicy(onPartitions(['dynamodb:PutItem'], props.directoryTable, [alertPartitions.deliveries]));
    this.webhookKey.grantRead(fn);
    return fn;
  }

  /** What the delivery code needs wherever it runs: never loopback receivers in a stack. */
  private functionEnvironment(): Record<string, string> {
    return {
      ALERT_DEAD_LETTER_QUEUE_URL: this.deadLetters.queueUrl,
      WEBHOOK_KEY_SECRET_ARN: this.webhookKey.secretArn,
      SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: 'false',
    };
  }
}

function webhookKeySecret(scope: Construct, props: AlertsProps): secretsmanager.ISecret {
  const source = props.webhookKey;
  if ('existing' in source) return secretsmanager.Secret.fromSecretNameV2(scope, 'WebhookKey', source.existing);
  const secret = new secretsmanager.Secret(scope, 'WebhookKey', {
    secretName: source.create,
    description: 'Switchboard: the key webhook signing secrets are sealed with in the directory table',
    generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'key', passwordLength: 64, excludePunctuation: true },
    replicaRegions: source.replicaRegions.map((region) => ({ region })),
    // Without it no stored webhook secret can be opened: production keeps it.
    removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'Rotating the key means re-sealing every stored webhook secret, so it is a documented manual step.',
  });
  return secret;
}

/** Actions on a table's items whose partition key is one of `partitions` (`*` a wildcard). */
function onPartitions(actions: string[], table: dynamodb.ITableV2, partitions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions } },
  });
}
