import { spendSubjects } from '../core/alerts/crossed-alerts.js';
import type { Account } from '../core/accounting/account.js';
import { spendScopes, type SpendScope } from '../core/accounting/spend-scopes.js';
import type { CatalogEntry } from '../core/catalog/catalog-schema.js';
import { pricedEntry } from '../core/catalog/priced-entry.js';
import { microsToDollars, requestCostMicros } from '../core/catalog/request-cost.js';
import { GatewayError, StoreUnavailableError } from '../core/errors.js';
import type { Usage } from '../core/schemas/openai-chat-response.js';
import { usageTags } from '../core/accounting/usage-tags.js';
import type { RequestyExtension } from '../core/schemas/requesty-extension.js';
import type { CappedCounter, Hold } from '../ports/usage-store.js';
import type { GatewayDeps } from './gateway-config.js';

/**
 * One request's account of spend: what it holds against the limits that apply to it, and, once
 * settled, what it cost. Settle or release it exactly once.
 */
export interface Ledger {
  /** A spend limit applies: the request's worst case is held, so what it may cost must be bounded. */
  readonly limited: boolean;
  /**
   * Records the request and adds what it is charged to every counter: its cost from the usage
   * (undefined, and nothing charged, when the model is not priced). `estimated`: the usage is the
   * gateway's estimate of a cut answer, not the provider's report. `pieceCost`: the cost of an
   * answer priced by the piece (images, seconds of audio), in micro-dollars, instead of the
   * catalog's token prices. Never fails.
   */
  settle(model: string, usage: Usage, estimated?: boolean, pieceCost?: number): Promise<{ cost: number | undefined; charged: number }>;
  /** Gives the reservation back: the request served nothing. Does nothing after settling. */
  release(): Promise<void>;
  /** `x-switchboard-budget-remaining`: the tightest limit's room, after `charged` if settled. */
  remainingHeaders(charged?: number): Promise<Record<string, string>>;
}

/** What the request said about itself, for the usage records. */
export interface RequestFacts {
  requestId: string;
  requesty: RequestyExtension | undefined;
  /** What the client asked for (`provider/model`, `policy/<name>`), for usage by model requested. */
  modelRequested?: string;
  /** The calling app, for usage by `origin_title` (see calling-app.ts). */
  originTitle?: string | undefined;
}

/** Longer than the longest Lambda invocation: a reservation older than this belongs to a dead request. */
const reservationLifetimeMs = 20 * 60_000;

/** The usage no answer of `model` (priced by `entry`) can exceed. */
export type UsageBound = (model: string, entry: CatalogEntry) => Usage;

/**
 * For answers priced by the piece rather than by token (images, seconds of audio): the most the
 * request can cost on `model`, in micro-dollars with markup; undefined when `model` has no such price.
 */
export type PieceBound = (model: string) => number | undefined;

/**
 * Opens a request's ledger before any provider is called. When a limit applies (the key's, its
 * group's, the organisation's monthly or prepaid budget), the most the request can cost is
 * reserved on all of them at once, so no limit is passed however many requests run together;
 * with several candidate models (a policy) the dearest is reserved. Under a limit, only models
 * the catalog prices can be used.
 */
export async function openLedger(
  account: Account,
  models: readonly string[],
  bound: UsageBound,
  facts: RequestFacts,
  deps: GatewayDeps,
  pieceBound?: PieceBound,
): Promise<Ledger> {
  const at = deps.clock.now();
  const tags = usageTags(facts.requesty);
  const scopes = spendScopes(account, at, { daily: deps.dailyCounters, region: deps.region, userId: tags.userId });
  const capped = scopes.flatMap((scope) => (scope.limit === undefined ? [] : [{ ...scope.counter, limit: scope.limit }]));
  const reserved = capped.length === 0 ? 0 : worstCase(models, bound, deps, pieceBound);
  const hold: Hold | undefined = capped.length === 0 ? undefined : { requestId: facts.requestId, amount: reserved, counters: capped };
  const committed = hold ? await reserve(hold, capped, scopes, at, deps).catch(failClosed) : undefined;
  // When the reservation did not tell, read while the provider works, for the remaining-budget header.
  const snapshot =
    capped.length === 0
      ? undefined
      : committed
        ? Promise.resolve(committed)
        : deps.usage.totals(capped).then((totals) => totals.map((total) => total.committed), () => undefined);
  let closed = false;

  return {
    limited: hold !== undefined,
    async settle(model, usage, _estimated, pieceCost) {
      if (closed) throw new Error('A request is settled once.');
      closed = true;
      const cost = pieceCost ?? costMicros(model, usage, deps);
      if (cost === undefined) warnUnpriced(model);
      const charged = cost ?? 0;
      const folded = !hold && deps.usage.foldsUnheld === true;
      // The answer is the client's either way: usage that cannot be written goes to the store's dead letters.
      await deps.usage.settle(
        {
          requestId: facts.requestId,
          keyId: account.key.id,
          at,
          model,
          cost: charged,
          inputTokens: usage.prompt_tokens,
          outputTokens: usage.completion_tokens,
          totalTokens: usage.total_tokens,
          cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
          ...(facts.modelRequested === undefined ? {} : { modelRequested: facts.modelRequested }),
          ...tags,
          ...(account.key.groupId === undefined ? {} : { groupId: account.key.groupId }),
          ...(account.group === undefined ? {} : { groupName: account.group.name }),
          ...(facts.originTitle === undefined ? {} : { originTitle: facts.originTitle }),
        },
        scopes.map((scope) => scope.counter),
        hold,
        folded ? spendSubjects(account, at, deps.region, tags.userId) : undefined,
      );
      // Folded later, its alerts are evaluated then, on totals that hold it.
      if (!folded) deps.alerts.settled({ account, at, userId: tags.userId });
      return { cost, charged };
    },
    async release() {
      if (closed) return;
      closed = true;
      if (!hold) return;
      // The request's own error is what the client needs; an unreleased hold only waits out its lifetime.
      await deps.usage.release(hold).catch((error: unknown) => {
        console.error(`The reservation of request ${facts.requestId} could not be released: ${error instanceof Error ? error.message : String(error)}`);
      });
    },
    async remainingHeaders(charged): Promise<Record<string, string>> {
      if (capped.length === 0) return { 'x-switchboard-budget-remaining': 'unlimited' };
      const committedNow = await snapshot;
      if (!committedNow) return {};
      const room = Math.min(...capped.map((counter, i) => counter.limit - (committedNow[i] ?? 0)));
      const remaining = Math.max(0, room + (charged === undefined ? 0 : reserved - charged));
      return remainingHeader(remaining);
    },
  };
}

function remainingHeader(micros: number): Record<string, string> {
  return { 'x-switchboard-budget-remaining': microsToDollars(micros).toFixed(6) };
}

/** After a failure: gives the reservation back, and says in the error what budget is left. */
export async function releaseAfter(error: unknown, ledger: Ledger): Promise<void> {
  await ledger.release();
  if (error instanceof GatewayError) Object.assign(error.headers, await ledger.remainingHeaders(0));
}

/** A request's cost in micro-dollars from the answering model's catalog prices; undefined when not priced. */
export function costMicros(model: string, usage: Usage, deps: GatewayDeps): number | undefined {
  const entry = pricedEntry(model, deps.unpricedModelPrice);
  return entry && requestCostMicros(usage, entry, deps.markup);
}

function worstCase(models: readonly string[], bound: UsageBound, deps: GatewayDeps, pieceBound: PieceBound | undefined): number {
  let most = 0;
  for (const model of models) {
    if (pieceBound) {
      const micros = pieceBound(model);
      if (micros === undefined) {
        throw new GatewayError(400, 'model_not_priced', `${model} has no price in the gateway's image and audio prices (media-prices.ts), so a request under a spend limit cannot use it.`, {
          param: 'model',
          type: 'invalid_request_error',
        });
      }
      most = Math.max(most, micros);
      continue;
    }
    const entry = pricedEntry(model, deps.unpricedModelPrice);
    if (!entry) {
      throw new GatewayError(400, 'model_not_priced', unpricedMessage(model), {
        param: 'model',
        type: 'invalid_request_error',
      });
    }
    most = Math.max(most, requestCostMicros(bound(model, entry), entry, deps.markup));
  }
  return most;
}

const warnedUnpriced = new Set<string>();

/** Usage of a model without a price is recorded at $0: said in the log, once per model and instance, so it is never silent. */
function warnUnpriced(model: string): void {
  if (warnedUnpriced.has(model) || warnedUnpriced.size > 1_000) return;
  warnedUnpriced.add(model);
  console.warn(`${model} has no price in the model catalog: its usage is recorded at $0. ${unpricedHowTo}`);
}

const unpricedHowTo =
  'Add its prices to lambdas/core/catalog/data/catalog-overrides.json (or refresh the catalog with npm run refresh-catalog), ' +
  'or set SWITCHBOARD_UNPRICED_MODEL_PRICE to price unknown models.';

function unpricedMessage(model: string): string {
  return `${model} has no price in the model catalog, so a request under a spend limit cannot use it. ${unpricedHowTo}`;
}

/** A limit applies and the store cannot be asked whether the request fits: refuse rather than serve unchecked. */
function failClosed(error: unknown): never {
  if (!(error instanceof StoreUnavailableError)) throw error;
  throw new StoreUnavailableError(
    "A spend limit applies to this key and cannot be checked while the gateway's store is unavailable, so the request was not served; try again shortly.",
    error.retryAfterSeconds,
    error,
  );
}

/** Holds the request's worst case on every capped counter, or throws the 402; resolves with the counters' committed when known. */
async function reserve(hold: Hold, capped: CappedCounter[], scopes: SpendScope[], now: number, deps: GatewayDeps): Promise<number[] | undefined> {
  const expiresAt = now + reservationLifetimeMs;
  let reservation = await deps.usage.reserve(hold.requestId, hold.amount, capped, expiresAt);
  // Requests that died without settling still hold their reservations: release and try again.
  if (!reservation.held && (await deps.usage.releaseExpired(reservation.refusedBy, now)) > 0) {
    reservation = await deps.usage.reserve(hold.requestId, hold.amount, capped, expiresAt);
  }
  if (reservation.held) return reservation.committed;
  const refused = reservation.refusedBy;
  const scope = scopes.find((candidate) => candidate.counter.owner === refused.owner && candidate.counter.period === refused.period);
  const resetsAt = scope?.resetsAt === undefined ? undefined : new Date(scope.resetsAt).toISOString();
  // With one limit, what is left of it is the key's whole remaining budget (read if the refusal did not tell).
  const [only] = capped;
  const committed = only && capped.length === 1 ? (reservation.committed ?? (await deps.usage.totals([only]))[0]?.committed) : undefined;
  const remaining = only && committed !== undefined ? Math.max(0, only.limit - committed) : undefined;
  throw new GatewayError(
    402,
    'budget_exceeded',
    resetsAt
      ? `${scope?.label ?? 'A spend limit'} would be exceeded by this request; it resets at ${resetsAt}.`
      : `${scope?.label ?? 'A spend limit'} is too low for this request; top it up through the management API.`,
    {
      type: 'insufficient_quota',
      headers: {
        ...(resetsAt ? { 'x-switchboard-budget-resets-at': resetsAt } : {}),
        ...(remaining === undefined ? {} : remainingHeader(remaining)),
      },
    },
  );
}
