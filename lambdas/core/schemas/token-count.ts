import { z } from 'zod';

/**
 * The most tokens one count in a provider's usage may report: far above any context window
 * times any choice count (10M-token contexts, 128 choices of 128k), far below where integer
 * prices lose precision.
 */
export const maxTokenCount = 100_000_000;

/**
 * A token count as a provider reports it. Anything but a whole number from 0 to maxTokenCount is
 * a malformed answer: fractions made costing throw after the answer was sent, negative cached
 * counts priced input below its cost.
 */
export const tokenCountSchema = z.number().int().nonnegative().max(maxTokenCount);
