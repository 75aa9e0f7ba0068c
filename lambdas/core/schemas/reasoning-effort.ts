import { z } from 'zod';

/**
 * `reasoning_effort` as Requesty defines it (https://docs.requesty.ai/features/reasoning): OpenAI's
 * efforts, Requesty's `max` and `min` (a synonym of `none` where reasoning can be switched off,
 * the least reasoning where it cannot), or a budget of thinking tokens as a string (`"10000"`).
 */
export const reasoningEffortSchema = z.union([
  z.enum(['none', 'min', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']),
  z.string().regex(/^\d{1,7}$/, 'must be none, min, minimal, low, medium, high, xhigh, max or a budget of tokens such as "10000"'),
]);

export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;
