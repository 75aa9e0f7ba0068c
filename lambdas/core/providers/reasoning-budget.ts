import type { ReasoningEffort } from '../schemas/reasoning-effort.js';

/** A budget string (`"10000"`): the tokens the client allows for thinking. */
function budgetOf(effort: ReasoningEffort): number | undefined {
  return /^\d+$/.test(effort) ? Number(effort) : undefined;
}

/**
 * The effort for providers that take efforts (OpenAI and OpenAI-compatible hosts), by Requesty's
 * table: `max` is `high`, `min` is `low` (the least OpenAI's reasoning models do), and a budget
 * is `low` up to 1,024 tokens, `medium` up to 8,192, `high` above.
 */
export function effortLevel(effort: ReasoningEffort): string {
  const budget = budgetOf(effort);
  if (budget !== undefined) return budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
  if (effort === 'max') return 'high';
  if (effort === 'min') return 'low';
  return effort;
}

/** What a thinking budget is planned from. */
export interface ThinkingLimits {
  /** The provider's budget for each named effort (`medium` is the fallback). */
  budgets: Readonly<Record<string, number>>;
  /** The request's output cap, if it set one. */
  requestedMaxTokens: number | undefined;
  /** The cap used when the request set none. */
  defaultMaxTokens: number;
  /** The model's most output tokens, when the catalog knows it. */
  modelMaxTokens: number | undefined;
  /** Whether the budget counts inside the output cap (Anthropic: budget_tokens < max_tokens). */
  budgetWithinMaxTokens: boolean;
}

/**
 * The thinking budget for an effort and the output cap to send with it; undefined for no
 * thinking (`none`, `min` where reasoning can be off). `max` is the model's whole output less
 * one token; a budget string is taken as given, reduced to what the model can produce. When the
 * request set no cap, the cap grows to leave room for the budget and an answer.
 */
export function thinkingPlan(effort: ReasoningEffort | null | undefined, limits: ThinkingLimits): { budget: number; maxTokens: number } | undefined {
  if (!effort || effort === 'none') return undefined;
  const { budgets, requestedMaxTokens, defaultMaxTokens, modelMaxTokens, budgetWithinMaxTokens } = limits;
  const ceiling = requestedMaxTokens ?? modelMaxTokens;
  const wanted =
    effort === 'max'
      ? (ceiling ?? budgets.max ?? budgets.high ?? 0) - (budgetWithinMaxTokens ? 1 : 0)
      : (budgetOf(effort) ?? budgets[effort] ?? budgets[effort === 'min' ? 'minimal' : 'medium'] ?? 8192);
  const maxTokens =
    requestedMaxTokens ??
    (budgetWithinMaxTokens ? Math.min(modelMaxTokens ?? Infinity, Math.max(defaultMaxTokens, wanted + defaultMaxTokens)) : defaultMaxTokens);
  const cap = budgetWithinMaxTokens ? maxTokens - 1 : (modelMaxTokens ?? Infinity);
  return { budget: Math.max(0, Math.min(wanted, cap)), maxTokens };
}
