import { ProviderError, providerErrorKindForStatus, type ProviderErrorKind } from '../../errors.js';
import { ConverseCallError } from '../../../ports/bedrock-runtime.js';

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

/** A Bedrock exception as the provider error routing acts on; anything else passes through. */
export function mapBedrockError(provider: string, error: unknown): unknown {
  if (!(error instanceof ConverseCallError)) return error;
  const kind = kindByException[error.exceptionName] ?? providerErrorKindForStatus(error.status);
  return new ProviderError({
    provider,
    kind,
    status: error.status,
    message: `${provider}: ${error.message}`,
    type: error.exceptionName,
  });
}
