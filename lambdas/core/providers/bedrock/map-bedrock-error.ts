import { ProviderError, providerErrorKindForStatus, type ProviderErrorKind } from '../../errors.js';
import { BedrockResponseError, ConverseCallError } from '../../../ports/bedrock-runtime.js';
import { malformedResponse, oversizedResponse, transportError } from '../upstream-error.js';
import { maxEventSize, maxResponseBytes } from '../upstream-limits.js';

// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
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
  const kind = kindByException[error.exceptionName] ?? providerErrorKindForStatus(error.status);
  return new ProviderError({
    provider,
    kind,
    status: error.status,
    message: `${provider}: ${error.message}`,
    type: error.exceptionName,
  });
}
