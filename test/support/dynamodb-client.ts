import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';

/** A client of the DynamoDB Local the test run started. */
export function testDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoDbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
