import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Sends a conditional write; false when its condition did not hold, any other failure thrown. */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
