import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../lambdas/local/dynamodb-local.js';

/** One in-memory DynamoDB Local for the whole run; each test file uses its own table names. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamodb = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', dynamodb.endpoint);
  return () => dynamodb.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}
