import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DeadLetterReason } from '../../ports/usage-dead-letters.js';

/** For a transaction cancelled because conditions failed: which items' did (true at their index); else undefined. */
export function conditionFailures(error: unknown): boolean[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const failed = (error.CancellationReasons ?? []).map((reason) => reason.Code === 'ConditionalCheckFailed');
  return failed.some(Boolean) ? failed : undefined;
}

/** Cancellation reasons that say "not now" rather than "never". */
const transientReasons = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);
const throttling = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TransactionInProgressException']);

/**
 * Whether trying the same write again later may succeed: throttling, conflicts, 5xx and
 * failures without an answer (a reset, a timeout). A validation error (an empty attribute
 * name, an item over 400 KB, a transaction over 4 MB) or a failed condition never will.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None').filter((code) => code !== 'None');
    return codes.length > 0 && codes.every((code) => transientReasons.has(code));
  }
  if (!(error instanceof Error)) return true;
  const { $metadata, $retryable } = error as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if ($retryable || throttling.has(error.name)) return true;
  const status = $metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/** Why a settlement was dead-lettered, short enough for a log line. */
export function failureReason(error: unknown): DeadLetterReason {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { message: message.length > 500 ? `${message.slice(0, 500)}…` : message, rejected: !isRetryable(error) };
}

/** How a failed write is tried again. */
export interface WriteRetries {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; each later one waits four times as long. */
  firstDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** 100 ms, 400 ms, 1.6 s: about two seconds, well inside an invocation that ends after them. */
export const defaultWriteRetries: WriteRetries = { attempts: 4, firstDelayMs: 100, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** Runs `work`, again after a backoff while its failure may pass; the last failure when it never succeeded. */
export async function retried(
  work: () => Promise<unknown>,
  retries: WriteRetries,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<{ error: unknown } | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return undefined;
    } catch (error) {
      if (attempt >= retries.attempts || !retryable(error)) return { error };
      await retries.sleep(retries.firstDelayMs * 4 ** (attempt - 1));
    }
  }
}
