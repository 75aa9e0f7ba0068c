/**
 * How a failed DynamoDB call is read: the store could not be reached (nothing answered), the
 * store answered that it cannot serve now (throttling, server errors), or anything else (a
 * condition that did not hold, a bad request), which callers handle themselves.
 * The codes are the ones the AWS SDK itself treats as transient or throttling.
 */
export type StoreFailure = 'unreachable' | 'overloaded' | undefined;

const unreachableNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
const overloadedNames = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
]);

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function classifyStoreFailure(error: unknown, depth = 0): StoreFailure {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { name, code, cause, $metadata } = error as ErrorFields;
  if (typeof name === 'string' && unreachableNames.has(name)) return 'unreachable';
  if (typeof code === 'string' && unreachableCodes.has(code)) return 'unreachable';
  if (typeof name === 'string' && overloadedNames.has(name)) return 'overloaded';
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return 'overloaded';
  return classifyStoreFailure(cause, depth + 1);
}
