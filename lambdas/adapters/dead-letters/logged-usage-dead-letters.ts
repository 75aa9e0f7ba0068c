import type { UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import { encodeLetter } from './dead-letter-codec.js';

/**
 * The fallback where no dead-letter place is configured: the letter, whole, in the log (one
 * line, in the format the replay reads), so that nothing is lost without a trace.
 */
export const loggedDeadLetters: UsageDeadLetters = {
  description: 'the log (no dead-letter place is configured)',
  async put(settlement, reason) {
    console.error(`Usage dead letter: ${encodeLetter({ settlement, reason, at: Date.now() })}`);
  },
};
