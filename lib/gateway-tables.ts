import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/** The tables both functions use (what each may do with them is each function's own grant). */
export interface GatewayTables {
  keysTable: dynamodb.ITableV2;
  policiesTable: dynamodb.ITableV2;
  directoryTable: dynamodb.ITableV2;
  usageTable: dynamodb.ITableV2;
}

/** The variables that name the tables (see lambdas/handlers/gateway-env.ts). */
export function tableEnvironment(tables: GatewayTables): Record<string, string> {
  return {
    KEYS_TABLE: tables.keysTable.tableName,
    POLICIES_TABLE: tables.policiesTable.tableName,
    DIRECTORY_TABLE: tables.directoryTable.tableName,
    USAGE_TABLE: tables.usageTable.tableName,
  };
}
