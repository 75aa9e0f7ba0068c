import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsIn, statementsOf, synthesize } from './synth.js';

const { home, eu } = synthesize();
if (!home || !eu) throw new Error('both stacks are expected by default');

/** The logical id of the one resource of `type` whose properties match. */
function idOf(template: Template, type: string, properties: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(found).toHaveLength(1);
  return found[0] as string;
}

describe.each([
  ['home', home],
  ['EU', eu],
])('usage dead letters in the %s stack', (_, template) => {
  const queue = idOf(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 100 }) });

  it('are an encrypted, TLS-only queue that keeps letters 14 days, with a queue of its own for letters replay cannot write', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, maxReceiveCount: 100 },
    });
    const overflow = (template.findResources('AWS::SQS::Queue')[queue] as { Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [string] } } } })
      .Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(template.findResources('AWS::SQS::Queue')[overflow]).toMatchObject({ Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 } });
    for (const id of [queue, overflow]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('reach the router as USAGE_DEAD_LETTER_QUEUE_URL, and the router may only send to that queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ USAGE_DEAD_LETTER_QUEUE_URL: { Ref: queue } }) },
    });
    const router = statementsOf(template, 'Switchboard router');
    expect(actionsIn(router).filter((action) => action.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
    expect(router.find((statement) => statement.Action === 'sqs:SendMessage')?.Resource).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    // The management API reads the alert dead-letter queue (replay), never this one.
    const management = statementsOf(template, 'Switchboard management').filter((statement) => actionsIn([statement]).some((action) => action.startsWith('sqs:')));
    expect(management.map((statement) => statement.Resource)).not.toContainEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
  });

  it('raise an alarm to the alarm topic as soon as one letter waits, in either queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^Usage could not be written'),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmsTopic') }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'queue + overflow' }),
        Match.objectLike({ Id: 'queue', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }] }) }) }),
        Match.objectLike({ Id: 'overflow', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }) }) }),
      ]),
    });
  });

  it('are named in the outputs, with the usage table, for the replay', () => {
    const outputs = Object.entries(template.findOutputs('*'));
    const named = (name: string) => outputs.find(([id]) => id.includes(name))?.[1];
    expect(named('UsageDeadLetterQueueUrl')).toMatchObject({ Value: { Ref: queue } });
    expect(named('UsageTableName')).toMatchObject({ Value: expect.anything() });
  });
});
