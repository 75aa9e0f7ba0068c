/**
 * Whether a failed DynamoDB call says the store is unavailable: it could not be reached or did
 * not answer in time, or it answered that it cannot serve now (throttling, server errors).
 * Anything else (a condition that did not hold, a bad request) is an answer callers handle.
 * The names and codes are the ones the AWS SDK itself treats as transient or throttling.
 */
export function isStoreOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, code, cause, $metadata } = error as ErrorFields;
  if (typeof name === 'string' && outageNames.has(name)) return true;
  if (typeof code === 'string' && connectionCodes.has(code)) return true;
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return isStoreOutage(cause, depth + 1);
}

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
const outageNames = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'InternalServerError',
  'ServiceUnavailable',
]);
const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
