import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { feedbackRecordSchema } from '../../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema } from '../../lambdas/core/request-log/request-log-record.js';
import { parseSwitchboardConfig } from '../../lib/config.js';
import { glueColumns } from '../../lib/glue-columns.js';
import { addSwitchboardStacks } from '../../lib/switchboard-app.js';
import { portableSqlProblems } from '../../lambdas/core/analytics/portable-sql.js';
import { namedQueries } from '../../lib/named-queries.js';
import { actionsIn, statementsOf, synthesize } from './synth.js';

const { home, eu, app } = synthesize();
if (!home || !eu) throw new Error('both stacks are expected by default');

describe('tables', () => {
  it('replicates keys, policies and the directory from the home region to eu-central-1, with PITR and encryption', () => {
    for (const [name, keys] of [
      ['switchboard-keys', [{ AttributeName: 'key_hash', KeyType: 'HASH' }]],
      ['switchboard-policies', [{ AttributeName: 'scope', KeyType: 'HASH' }, { AttributeName: 'name', KeyType: 'RANGE' }]],
      ['switchboard-directory', [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]],
    ] as const) {
      home.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: name,
        KeySchema: keys,
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        ...(name === 'switchboard-keys'
          ? { GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'by_id', KeySchema: [{ AttributeName: 'key_id', KeyType: 'HASH' }] })] }
          : {}),
        Replicas: Match.arrayWith([
          Match.objectLike({ Region: 'eu-central-1', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
          Match.objectLike({ Region: 'us-east-1', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ]),
      });
    }
  });

  it('keeps usage in each region, expiring by TTL', () => {
    for (const template of [home, eu]) {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    }
    expect(Object.keys(eu.findResources('AWS::DynamoDB::GlobalTable'))).toHaveLength(1);
  });

  it('protects production tables from deletion and retains them', () => {
    const { home: production } = synthesize({ production: true, stacks: ['home'] });
    production?.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'switchboard-keys',
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
      }),
    });
  });
});

/** The logical id of the one delivery stream writing under `prefix`. */
function streamWriting(template: Template, prefix: string): string {
  const streams = template.findResources('AWS::KinesisFirehose::DeliveryStream', {
    Properties: { ExtendedS3DestinationConfiguration: Match.objectLike({ Prefix: Match.stringLikeRegexp(`^${prefix}/`) }) },
  });
  expect(Object.keys(streams)).toHaveLength(1);
  return String(Object.keys(streams)[0]);
}

/** Asserts the Glue table `name`: its columns, day partitions projected from its own prefix. */
function tableOver(template: Template, name: string, columns: Array<{ name: string; type: string }>): void {
  template.hasResourceProperties('AWS::Glue::Table', {
    TableInput: Match.objectLike({
      Name: name,
      PartitionKeys: [
        { Name: 'year', Type: 'string' },
        { Name: 'month', Type: 'string' },
        { Name: 'day', Type: 'string' },
      ],
      Parameters: Match.objectLike({
        'projection.enabled': 'true',
        'projection.month.digits': '2',
        'projection.day.digits': '2',
        'storage.location.template': { 'Fn::Join': ['', Match.arrayWith([`/${name}/year=\${year}/month=\${month}/day=\${day}/`])] },
      }),
      StorageDescriptor: Match.objectLike({
        Columns: columns.map((column) => ({ Name: column.name, Type: column.type })),
        Location: { 'Fn::Join': ['', Match.arrayWith([`/${name}/`])] },
        SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      }),
    }),
  });
}

describe('request logs', () => {
  it('deliver through encrypted Firehose to S3, gzipped and partitioned by day', () => {
    home.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        Prefix: 'requests/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
        ErrorOutputPrefix: Match.stringLikeRegexp('^errors/'),
      }),
    });
  });

  it('and feedback go through a second stream into the same bucket under feedback/, encrypted, gzipped and buffered alike', () => {
    const [requests, feedback] = [streamWriting(home, 'requests'), streamWriting(home, 'feedback')];
    const destination = (id: string) =>
      (home.toJSON().Resources[id] as { Properties: { ExtendedS3DestinationConfiguration: Record<string, unknown> } }).Properties.ExtendedS3DestinationConfiguration;
    home.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        Prefix: 'feedback/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
        ErrorOutputPrefix: 'errors/feedback/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
      }),
    });
    // Same bucket, role, compression and buffering: only where the records go differs.
    const unprefixed = (config: Record<string, unknown>) => ({ ...config, Prefix: undefined, ErrorOutputPrefix: undefined });
    expect(unprefixed(destination(feedback))).toEqual(unprefixed(destination(requests)));
    home.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
  });

  it('give feedback its own Glue table, with columns from the feedback schema and the same partition projection', () => {
    tableOver(home, 'feedback', glueColumns(feedbackRecordSchema));
    expect(glueColumns(feedbackRecordSchema)).toEqual([
      { name: 'request_id', type: 'string' },
      { name: 'timestamp', type: 'string' },
      { name: 'api_key_id', type: 'string' },
      { name: 'data', type: 'map<string,string>' },
    ]);
    home.resourceCountIs('AWS::Glue::Table', 2);
  });

  it('are named to the router, which may only PutRecordBatch into exactly those two streams', () => {
    const [requests, feedback] = [streamWriting(home, 'requests'), streamWriting(home, 'feedback')];
    home.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ REQUEST_LOG_STREAM: { Ref: requests }, FEEDBACK_STREAM: { Ref: feedback } }) },
    });
    const firehoseStatements = statementsOf(home, 'Switchboard router').filter((statement) => actionsIn([statement]).some((action) => action.startsWith('firehose:')));
    expect(firehoseStatements).toEqual([
      expect.objectContaining({
        Action: 'firehose:PutRecordBatch',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [requests, 'Arn'] }, { 'Fn::GetAtt': [feedback, 'Arn'] }],
      }),
    ]);
    expect(actionsIn(statementsOf(home, 'Switchboard management')).filter((action) => action.startsWith('firehose:'))).toEqual([]);
  });

  it('age into Infrequent Access and expire on the configured days', () => {
    const { home: template } = synthesize({ stacks: ['home'], requestLogs: { infrequentAccessAfterDays: 60, expireAfterDays: 730 } });
    template?.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ ExpirationInDays: 730, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 60 }] }),
        ]),
      },
    });
  });

  it('are a Glue table with partition projection whose columns come from the record schema', () => {
    tableOver(home, 'requests', glueColumns(requestLogRecordSchema));
    expect(glueColumns(requestLogRecordSchema)).toEqual(
      expect.arrayContaining([
        { name: 'attempts', type: 'array<struct<model:string,status:bigint,error_code:string,first_token_ms:bigint>>' },
        { name: 'extra', type: 'map<string,string>' },
        { name: 'cost_micros', type: 'bigint' },
        { name: 'stream', type: 'boolean' },
        { name: 'tags', type: 'array<string>' },
        { name: 'model', type: 'string' },
      ]),
    );
  });

  it('are queried in an encrypted Athena workgroup with named queries compiled from analytics specs', () => {
    home.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
    const queries = Object.values(home.findResources('AWS::Athena::NamedQuery')).map(
      (query) => (query as { Properties: { Name: string; QueryString: string; Database: string } }).Properties,
    );
    expect(queries.map((query) => query.Name).sort()).toEqual([
      'switchboard-cache-savings',
      'switchboard-errors-and-failovers',
      'switchboard-latency-by-model',
      'switchboard-policy-distribution',
      'switchboard-spend-by-key',
      'switchboard-spend-by-model',
      'switchboard-tool-calls',
    ]);
    for (const query of queries) {
      expect(query.QueryString).toBe(namedQueries()[query.Name.replace('switchboard-', '')]?.sql);
      expect(portableSqlProblems(query.QueryString), query.Name).toEqual([]);
      expect(query.Database).toBe('switchboard_us_east_1');
    }
  });

  it('are readable by the management API for analytics, and by nothing it does not need', () => {
    home.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard management'),
      Timeout: 60,
      Environment: { Variables: Match.objectLike({ ATHENA_WORKGROUP: 'switchboard-us-east-1', ATHENA_DATABASE: 'switchboard_us_east_1' }) },
    });
    const statements = statementsOf(home, 'Switchboard management');
    const on = (prefix: string) => statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith(prefix)));
    expect(on('athena:').map((statement) => JSON.stringify(statement.Resource))).toEqual([expect.stringContaining(':workgroup/switchboard-us-east-1')]);
    expect(actionsIn(on('athena:')).sort()).toEqual(['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution']);
    const glueResources = JSON.stringify(on('glue:').map((statement) => statement.Resource));
    for (const resource of [':catalog"', ':database/switchboard_us_east_1"', ':table/switchboard_us_east_1/requests"', ':table/switchboard_us_east_1/feedback"']) {
      expect(glueResources).toContain(resource);
    }
    expect(actionsIn(on('glue:')).every((action) => action.startsWith('glue:Get'))).toBe(true);
    // The logs bucket: read under requests/ and feedback/ only; the results bucket: its results/.
    const objectGrants = on('s3:').filter((statement) => JSON.stringify(statement.Resource).includes('/'));
    expect(objectGrants.map((statement) => JSON.stringify(statement.Resource).match(/\/(\w+)\/\*/g))).toEqual([['/requests/*', '/feedback/*'], ['/results/*']]);
    expect(actionsIn([objectGrants[0] ?? { Action: [], Resource: [] }])).toEqual(['s3:GetObject']);
    const listing = on('s3:ListBucket').find((statement) => JSON.stringify(statement).includes('s3:prefix'));
    expect(JSON.stringify(listing)).toContain('"requests/*","feedback/*"');
  });

  it('keep every bucket private, encrypted and TLS-only', () => {
    const buckets = home.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(3);
    for (const bucket of Object.values(buckets) as Array<{ Properties: Record<string, unknown> }>) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
    home.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny' })]) },
    });
  });
});

describe('alerts and alarms', () => {
  it('queue alert events from the bus for delivery with retries and a dead-letter queue', () => {
    home.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['switchboard'] },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21_600 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    home.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });
  });

  it('alarm on router errors, throttles, undelivered alerts, unwritten usage, dropped request-log records and a usage fold behind to an encrypted SNS topic', () => {
    home.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(home.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: { AlarmActions: unknown[] } }>;
    expect(alarms).toHaveLength(6);
    home.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Namespace: 'AWS/Lambda', Threshold: 300_000 });
    home.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^The router dropped request-log records'),
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'Switchboard', MetricName: 'RequestLogDropped', Dimensions: [{ Name: 'Log', Value: 'requests' }] } }) }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'Switchboard', MetricName: 'RequestLogDropped', Dimensions: [{ Name: 'Log', Value: 'feedback' }] } }) }),
      ]),
    });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    const { home: withEmail } = synthesize({ stacks: ['home'], alarmEmail: 'ops@example.com' });
    withEmail?.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('encrypt the alarm topic with a rotated key of the stack whose policy lets CloudWatch alarms of the account publish', () => {
    for (const template of [home, eu]) {
      const cloudWatchMayUse = Match.objectLike({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
        Condition: Match.objectLike({
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': Match.anyValue() },
        }),
      });
      const keys = template.findResources('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: Match.arrayWith([cloudWatchMayUse]) } },
      });
      expect(Object.keys(keys)).toHaveLength(1);
      const [keyId] = Object.keys(keys);
      template.hasResourceProperties('AWS::SNS::Topic', {
        DisplayName: 'Switchboard alarms',
        KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      expect(JSON.stringify(template.toJSON())).not.toContain('alias/aws/sns');
    }
  });
});

describe('the EU stack', () => {
  it('is deployed to eu-central-1 after the home stack, and names no other region', () => {
    const stack = app.node.findChild('SwitchboardEu') as Stack;
    expect(stack.region).toBe('eu-central-1');
    expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual(['Switchboard']);
    expect(JSON.stringify(eu.toJSON())).not.toMatch(/(us|ap|sa|ca|me|af|il)-[a-z]+-\d/);
  });

  it('has its own router, management API, CloudFront, logs, Athena, alert bus and alarms', () => {
    for (const type of ['AWS::KinesisFirehose::DeliveryStream', 'AWS::Glue::Table']) eu.resourceCountIs(type, 2);
    for (const type of [
      'AWS::CloudFront::Distribution',
      'AWS::Athena::WorkGroup',
      'AWS::Events::EventBus',
      'AWS::SNS::Topic',
    ]) {
      eu.resourceCountIs(type, 1);
    }
    eu.resourceCountIs('AWS::Lambda::Url', 2);
  });

  it('reads the local replicas of keys, policies and the directory', () => {
    const json = JSON.stringify(eu.toJSON());
    expect(json).toContain('table/switchboard-keys');
    expect(json).toContain('table/switchboard-policies');
    expect(json).toContain('table/switchboard-directory');
  });
});

describe('checks and synthesis', () => {
  it('are clean under cdk-nag, which does fail synthesis on an unacknowledged finding', () => {
    // Every synthesize() above ran under the checks; this shows they bite.
    const unchecked = new App();
    new secretsmanager.Secret(new Stack(unchecked, 'Unchecked'), 'Unrotated');
    Validations.of(unchecked).addPlugins(new AwsSolutionsChecks(unchecked));
    expect(() => unchecked.synth()).toThrow(/AwsSolutions-SMG4/);
  });

  it('bundles the four Lambdas with the local esbuild, offline and without Docker', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'switchboard-synth-'));
    const bundling = new App({ outdir });
    const [stack] = addSwitchboardStacks(bundling, parseSwitchboardConfig({ stacks: ['home'] }));
    const assembly = bundling.synth();
    const all = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.') && !name.endsWith('.json'));
    // Besides CDK's own prebuilt BucketDeployment handler and its AWS CLI layer:
    const assets = all.filter((asset) => existsSync(join(assembly.directory, asset, 'index.js')));
    expect(assets).toHaveLength(4);
    // The web console, built by the same esbuild: its index and its hashed script and styles.
    const site = all.find((asset) => existsSync(join(assembly.directory, asset, 'index.html')));
    const siteAssets = readdirSync(join(assembly.directory, site ?? 'missing', 'assets'));
    expect(siteAssets).toHaveLength(2);
    expect(siteAssets).toEqual(expect.arrayContaining([expect.stringMatching(/^main-\w+\.css$/), expect.stringMatching(/^main-\w+\.js$/)]));
    const bundles = assets.map((asset) => readFileSync(join(assembly.directory, asset, 'index.js'), 'utf8'));
    // The router and the management API check the origin header; the alert deliverer answers SQS batches, the usage fold stream batches.
    expect(bundles.filter((bundle) => bundle.includes('x-origin-verify'))).toHaveLength(2);
    expect(bundles.filter((bundle) => bundle.includes('batchItemFailures'))).toHaveLength(2);
    for (const asset of assets) expect(existsSync(join(assembly.directory, asset, 'index.js.map'))).toBe(true);
    expect(stack ? Template.fromStack(stack).toJSON() : undefined).toBeDefined();
  }, 60_000);

  it('rejects invalid context with clear errors', () => {
    expect(() => parseSwitchboardConfig({ homeRegion: 'mars' })).toThrow(/switchboard\.homeRegion: must be an AWS region/);
    expect(() => parseSwitchboardConfig({ logRetentionDays: 12 })).toThrow(/switchboard\.logRetentionDays: must be one of/);
    expect(() => parseSwitchboardConfig({ homeRegion: 'eu-central-1' })).toThrow(/switchboard\.stacks: the home region is eu-central-1/);
    expect(() => parseSwitchboardConfig({ home: { domain: { name: 'x.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/a' } } })).toThrow(
      /certificate ARN in us-east-1/,
    );
    expect(() => parseSwitchboardConfig({ unknownKey: 1 })).toThrow(/Unrecognized key/);
    expect(parseSwitchboardConfig(undefined)).toMatchObject({ homeRegion: 'us-east-1', stacks: ['home', 'eu'], production: false });
  });
});
