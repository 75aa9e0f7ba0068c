import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface GatewayTableProps {
  partitionKey: string;
  sortKey?: string;
  /** A fixed name, needed where another region's stack looks the table up. */
  tableName?: string;
  /** Regions the table is replicated to (a global table). */
  replicaRegions?: readonly string[];
  /** The attribute DynamoDB deletes expired items by. */
  timeToLiveAttribute?: string;
  /** A global secondary index on one string attribute, projecting everything. */
  idIndex?: { indexName: string; partitionKey: string };
  /** A stream of the items' new images (for a consumer such as the usage fold). */
  stream?: boolean;
  /** Production tables are retained and protected from deletion. */
  production: boolean;
}

/** The defaults every Switchboard table shares: on demand, encrypted, point-in-time recovery. */
export class GatewayTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: GatewayTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
      ...(props.sortKey ? { sortKey: { name: props.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
      ...(props.tableName ? { tableName: props.tableName } : {}),
      ...(props.timeToLiveAttribute ? { timeToLiveAttribute: props.timeToLiveAttribute } : {}),
      ...(props.stream ? { dynamoStream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
      replicas: (props.replicaRegions ?? []).map((region) => ({ region })),
      ...(props.idIndex
        ? {
            globalSecondaryIndexes: [
              { indexName: props.idIndex.indexName, partitionKey: { name: props.idIndex.partitionKey, type: dynamodb.AttributeType.STRING } },
            ],
          }
        : {}),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
