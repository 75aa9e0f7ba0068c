import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsIn, statementsOf, synthesize } from './synth.js';

const { home, eu } = synthesize();
if (!home || !eu) throw new Error('both stacks are expected by default');

describe.each([
  ['home', home],
  ['EU', eu],
])('the usage fold in the %s stack', (_, template) => {
  // The replicated tables of the home stack stream too (global tables need new and old images).
  const usageTable = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable', { Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } }));

  it('streams the usage table, new images only', () => {
    expect(usageTable).toHaveLength(1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' }, TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true } });
  });

  it('consumes only the INSERTs of recorded settlements, in batches, resuming from the first record not counted', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [usageTable[0], 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10_000,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('UsageDeadLettersQueue'), 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { usage: { S: [{ exists: true }] } } } }) }] },
    });
  });

  it('may read the stream, update usage items, read counters, send usage dead letters and publish alerts, nothing more', () => {
    const fold = statementsOf(template, 'Switchboard usage fold');
    expect(new Set(actionsIn(fold))).toEqual(
      new Set([
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'dynamodb:UpdateItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    );
    expect(actionsIn(fold)).not.toContain('dynamodb:PutItem');
  });

  it('has the router record usage only as new marker items, and tell it so', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ SWITCHBOARD_USAGE_FOLD: 'true' }) },
    });
    const put = statementsOf(template, 'Switchboard router').filter((statement) => actionsIn([statement]).includes('dynamodb:PutItem'));
    expect(put).toEqual([{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': [usageTable[0], 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['req#*'] } } }]);
  });
});
