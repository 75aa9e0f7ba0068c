import { ProviderError, providerErrorKindForStatus, type ProviderErrorKind } from '../../errors.js';
import { BedrockResponseError, ConverseCallError } from '../../../ports/bedrock-runtime.js';
import { malformedResponse, oversizedResponse, providerMessage, transportError } from '../upstream-error.js';
import { maxEventSize, maxResponseBytes } from '../upstream-limits.js';

// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html#API_runtime_ConverseStream_Errors
const kindByException: Readonly<Record<string, ProviderErrorKind>> = {
  ThrottlingException: 'rate_limit',
  ServiceQuotaExceededException: 'rate_limit',
  ModelNotReadyException: 'overloaded',
  ServiceUnavailableException: 'overloaded',
  ModelTimeoutException: 'timeout',
  InternalServerException: 'server',
  ModelStreamErrorException: 'server',
  ModelErrorException: 'server',
  AccessDeniedException: 'auth',
  ResourceNotFoundException: 'not_found',
  ValidationException: 'bad_request',
};

/** The status of an exception that arrived inside a 200 stream (ConverseStream's exception events). */
const statusByKind: Readonly<Record<ProviderErrorKind, number>> = {
  auth: 403,
  bad_request: 400,
  not_found: 404,
  rate_limit: 429,
  overloaded: 503,
  server: 502,
  timeout: 504,
  connection: 502,
};

/**
 * A Bedrock exception, an unreadable answer or a transport failure as the provider error
 * routing acts on; anything else passes through.
 */
export function mapBedrockError(provider: string, error: unknown): unknown {
  if (error instanceof BedrockResponseError) {
    if (error.reason === 'event_too_large') return oversizedResponse(provider, 'stream event', maxEventSize);
    if (error.reason === 'response_too_large') return oversizedResponse(provider, 'response', maxResponseBytes);
    return malformedResponse(provider);
  }
  if (!(error instanceof ConverseCallError)) return transportError(provider, error);
  const isErrorStatus = error.status >= 400 && error.status <= 599;
  const kind = kindByException[error.exceptionName] ?? (isErrorStatus ? providerErrorKindForStatus(error.status) : 'server');
  return new ProviderError({
    provider,
    kind,
    status: isErrorStatus ? error.status : statusByKind[kind],
    message: providerMessage(provider, error.message),
    type: error.exceptionName,
  });
}
