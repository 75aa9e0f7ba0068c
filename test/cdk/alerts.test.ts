import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsIn, statementsOf, synthesize } from './synth.js';

const { home, eu } = synthesize();
if (!home || !eu) throw new Error('both stacks are expected by default');

type Resource = { Properties: Record<string, unknown> };

/** The logical id of the one resource of `type` whose properties match. */
function idOf(template: Template, type: string, properties: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(found).toHaveLength(1);
  return found[0] as string;
}

const delivery = 'Switchboard alert delivery';

describe.each([
  ['home', home],
  ['EU', eu],
])('alerts in the %s stack', (_, template) => {
  const bus = idOf(template, 'AWS::Events::EventBus', { Description: 'Switchboard alert events' });
  // The rule's target is the delivery queue; its dead-letter queue is the alert dead letters.
  const rule = template.findResources('AWS::Events::Rule', { Properties: { EventBusName: { Ref: bus } } });
  const [target] = (Object.values(rule)[0] as { Properties: { Targets: { Arn: { 'Fn::GetAtt': [string] }; DeadLetterConfig: { Arn: { 'Fn::GetAtt': [string] } } }[] } }).Properties.Targets;
  const deliveries = target?.Arn['Fn::GetAtt'][0] ?? '';
  const deadLetters = target?.DeadLetterConfig.Arn['Fn::GetAtt'][0] ?? '';
  const fnId = idOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(`^${delivery}`) });

  it('deliver through a Node 22 Lambda fed by the queue in batches, reporting partial batch failures', () => {
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 120 });
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      ALERT_DEAD_LETTER_QUEUE_URL: { Ref: deadLetters },
      WEBHOOK_KEY_SECRET_ARN: expect.anything(),
      SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: 'false',
      DIRECTORY_TABLE: expect.anything(),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      EventSourceArn: { 'Fn::GetAtt': [deliveries, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Lambda wants the queue's visibility timeout at six times the function's.
    const queue = template.findResources('AWS::SQS::Queue')[deliveries] as Resource;
    expect(queue.Properties).toMatchObject({
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
  });

  it('alarm as soon as one event waits in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^Alert events could not be delivered.*replay'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetters, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmsTopic') }],
    });
  });

  it('let the router only put events on the bus, and query only the alert and group-member partitions of the directory', () => {
    const router = statementsOf(template, 'Switchboard router');
    const events = router.filter((statement) => actionsIn([statement]).some((action) => action.startsWith('events:')));
    expect(events.map((statement) => [statement.Action, statement.Resource])).toEqual([['events:PutEvents', { 'Fn::GetAtt': [bus, 'Arn'] }]]);
    expect(router).toContainEqual(
      expect.objectContaining({ Action: 'dynamodb:Query', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alerts', 'group#*'] } } }),
    );
    expect(JSON.stringify(router)).not.toContain('WebhookKey');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ ALERT_EVENT_BUS_NAME: { Ref: bus } }) },
    });
  });

  it('give the delivery Lambda nothing but its queue, its dead letters, the webhooks and their key', () => {
    const statements = statementsOf(template, delivery);
    expect(actionsIn(statements).sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
    const on = (action: string) => statements.filter((statement) => actionsIn([statement]).includes(action));
    expect(on('sqs:SendMessage').map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [deadLetters, 'Arn'] }]);
    expect(on('sqs:ReceiveMessage').map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [deliveries, 'Arn'] }]);
    expect(on('dynamodb:PutItem')).toEqual([expect.objectContaining({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['webhook-deliveries'] } } })]);
    expect(on('dynamodb:GetItem')).toEqual([expect.objectContaining({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['webhooks'] } } })]);
  });

  it('let the management API replay the dead letters onto the bus, read the webhook key and write only alert markers in usage', () => {
    const management = statementsOf(template, 'Switchboard management');
    const sqs = management.filter((statement) => actionsIn([statement]).some((action) => action.startsWith('sqs:')));
    expect(sqs).toEqual([
      expect.objectContaining({ Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], Resource: { 'Fn::GetAtt': [deadLetters, 'Arn'] } }),
    ]);
    expect(actionsIn(management)).toContain('events:PutEvents');
    expect(actionsIn(management)).toContain('secretsmanager:GetSecretValue');
    expect(management).toContainEqual(
      expect.objectContaining({ Action: 'dynamodb:UpdateItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alert#*'] } } }),
    );
  });

  it('never let a deployed function deliver to loopback addresses', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as Resource[]) {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(variables.SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK ?? 'false').toBe('false');
    }
  });
});

describe('the webhook key', () => {
  it('is made once, in the home region, and replicated to eu-central-1, where the EU stack reads it by name', () => {
    home.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'switchboard-webhook-key',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'key', PasswordLength: 64 }),
      ReplicaRegions: [{ Region: 'eu-central-1' }],
    });
    expect(Object.values(eu.findResources('AWS::SecretsManager::Secret')).map((secret) => (secret as Resource).Properties.Name)).not.toContain('switchboard-webhook-key');
    expect(JSON.stringify(statementsOf(eu, delivery))).toContain(':secret:switchboard-webhook-key-??????');
  });
});
