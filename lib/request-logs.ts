import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { z } from 'zod';
import { feedbackRecordSchema } from '../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema } from '../lambdas/core/request-log/request-log-record.js';
import { glueColumns } from './glue-columns.js';
import { namedQueries } from './named-queries.js';
import { SecureBucket } from './secure-bucket.js';

export interface RequestLogsProps {
  infrequentAccessAfterDays: number;
  expireAfterDays: number;
}

const requestsPrefix = 'requests/';
const feedbackPrefix = 'feedback/';
const resultsPrefix = 'results/';
const dayPartitions = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

/**
 * Request logs and feedback: two Firehose streams → one S3 bucket (gzipped JSON lines under
 * `requests/` and `feedback/`, partitioned by day) → a Glue table each, with partition
 * projection → an Athena workgroup with encrypted results and ready-made queries.
 */
export class RequestLogs extends Construct {
  readonly bucket: s3.Bucket;
  /** Receives the S3 access logs of this construct's buckets, and of any other bucket given it. */
  readonly accessLogs: s3.Bucket;
  /** Request-log records, one per request (`REQUEST_LOG_STREAM`). */
  readonly deliveryStream: firehose.CfnDeliveryStream;
  /** Feedback records, one per feedback call (`FEEDBACK_STREAM`). */
  readonly feedbackStream: firehose.CfnDeliveryStream;
  readonly workGroup: athena.CfnWorkGroup;
  readonly queryResults: s3.Bucket;
  readonly databaseName: string;
  readonly tableName = 'requests';
  readonly feedbackTableName = 'feedback';

  constructor(scope: Construct, id: string, props: RequestLogsProps) {
    super(scope, id);
    this.accessLogs = new SecureBucket(this, 'AccessLogs', {
      lifecycleRules: [{ expiration: Duration.days(90) }],
    }).bucket;
    const accessLogs = this.accessLogs;
    this.bucket = new SecureBucket(this, 'Logs', {
      accessLogs,
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.infrequentAccessAfterDays) },
          ],
          expiration: Duration.days(props.expireAfterDays),
        },
      ],
    }).bucket;

    // Firehose's own role, with exactly the S3 actions its delivery needs.
    const deliveryRole = new iam.Role(this, 'DeliveryRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    const deliveryPolicy = new iam.Policy(this, 'DeliveryPolicy', {
      roles: [deliveryRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [this.bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          resources: [this.bucket.arnForObjects('*')],
        }),
      ],
    });
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(deliveryPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
      reason: 'Firehose writes objects under new, time-based keys: the object ARN must be bucket/*.',
    });
    this.deliveryStream = this.stream('Stream', requestsPrefix, 'errors/', deliveryRole, deliveryPolicy);
    this.feedbackStream = this.stream('FeedbackStream', feedbackPrefix, 'errors/feedback/', deliveryRole, deliveryPolicy);

    const stack = Stack.of(this);
    this.databaseName = `switchboard_${stack.region.replace(/-/g, '_')}`;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'Switchboard request logs' },
    });
    this.table('Table', this.tableName, requestsPrefix, requestLogRecordSchema).node.addDependency(database);
    this.table('FeedbackTable', this.feedbackTableName, feedbackPrefix, feedbackRecordSchema).node.addDependency(database);

    this.queryResults = new SecureBucket(this, 'QueryResults', {
      accessLogs,
      lifecycleRules: [{ expiration: Duration.days(30) }],
    }).bucket;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `switchboard-${stack.region}`,
      description: 'Switchboard request analytics',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.queryResults.bucketName}/${resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    for (const [name, query] of Object.entries(namedQueries())) {
      const named = new athena.CfnNamedQuery(this, `Query${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`, {
        name: `switchboard-${name}`,
        database: this.databaseName,
        workGroup: this.workGroup.name,
        description: query.description,
        queryString: query.sql,
      });
      named.node.addDependency(this.workGroup);
    }
  }

  /** Lets `fn` put records into both streams, and nothing else. */
  grantPut(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['firehose:PutRecordBatch'], resources: [this.deliveryStream.attrArn, this.feedbackStream.attrArn] }),
    );
  }

  /** A DirectPut stream into the bucket under `prefix`, by day of arrival. */
  private stream(id: string, prefix: string, errorPrefix: string, role: iam.IRole, policy: iam.Policy): firehose.CfnDeliveryStream {
    // The L1 resource: the L2 destination would add its own wildcard grants to the role.
    const stream = new firehose.CfnDeliveryStream(this, id, {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${prefix}${dayPartitions}`,
        errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/${dayPartitions}`,
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: 60, sizeInMBs: 5 },
      },
    });
    stream.node.addDependency(policy);
    return stream;
  }

  /** The table over one prefix: columns from the record schema, partitions projected from the path. */
  private table(id: string, name: string, prefix: string, schema: z.ZodObject): glue.CfnTable {
    const stack = Stack.of(this);
    const location = `s3://${this.bucket.bucketName}/${prefix}`;
    return new glue.CfnTable(this, id, {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: ['year', 'month', 'day'].map((key) => ({ name: key, type: 'string' })),
        // Partition projection: Athena computes partitions from the path, no crawler or MSCK.
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.year.type': 'integer',
          'projection.year.range': '2025,2100',
          'projection.month.type': 'integer',
          'projection.month.range': '1,12',
          'projection.month.digits': '2',
          'projection.day.type': 'integer',
          'projection.day.range': '1,31',
          'projection.day.digits': '2',
          'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/`,
        },
        storageDescriptor: {
          location,
          columns: glueColumns(schema),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
  }

  /**
   * What running analytics queries in the workgroup takes, and nothing more: Athena reads the
   * Glue tables and the logs under the caller's credentials and writes its results there too.
   * `scope` holds the grantee's policy, where its cdk-nag findings are acknowledged.
   */
  grantAnalytics(grantee: iam.IGrantable, scope: Construct): void {
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
        resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name })],
      }),
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          ...[this.tableName, this.feedbackTableName].map((table) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${table}` })),
        ],
      }),
      new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [this.bucket.bucketArn, this.queryResults.bucketArn] }),
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${requestsPrefix}*`, `${feedbackPrefix}*`] } },
      }),
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${requestsPrefix}*`), this.bucket.arnForObjects(`${feedbackPrefix}*`)] }),
      new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [this.queryResults.bucketArn] }),
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.queryResults.arnForObjects(`${resultsPrefix}*`)],
      }),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
    const logicalId = (bucket: s3.Bucket) => stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    const objects = [
      ...[requestsPrefix, feedbackPrefix].map((prefix) => `<${logicalId(this.bucket)}.Arn>/${prefix}*`),
      `<${logicalId(this.queryResults)}.Arn>/${resultsPrefix}*`,
    ];
    for (const resource of objects) {
      Validations.of(scope).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: 'Athena reads every object of the log prefixes a query spans and writes results under new keys: objects of one prefix.',
      });
    }
  }
}
