import type { UsageRow } from '../../ports/usage-store.js';
import { microsToDollars } from '../catalog/request-cost.js';

export type Resolution = 'hour' | 'day' | 'week' | 'month';

/** What a report can group by, besides `extra.<field>` (a requesty.extra field). */
export const usageDimensions = [
  'model',
  'model_served',
  'model_requested',
  'provider',
  'api_key',
  'user',
  // Requesty's names (https://docs.requesty.ai/api-reference/endpoint/manage-org-get-usage) for the same.
  'model_used',
  'provider_used',
  'api_key_id',
  'user_id',
  'group_id',
  'group_name',
  'is_byok',
  'origin_title',
] as const;

/**
 * `model`, `model_served` and `model_used`: the model that answered; `model_requested`: what the
 * client asked for (a policy, say); `provider` and `provider_used`: the answering model's
 * provider; `api_key` and `api_key_id`: the key's id; `user` and `user_id`: requesty.user_id;
 * `group_id` and `group_name`: the key's group when the request came; `origin_title`: the calling
 * app's title; `is_byok`: whether the provider was paid with the team's own key, always so here.
 */
export type UsageDimension = (typeof usageDimensions)[number] | `extra.${string}`;

interface Sums {
  spend: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  /** Input tokens read from the provider's cache (part of input_tokens). */
  cached_tokens: number;
}

export interface UsageBucket extends Sums {
  grouped_data?: (Sums & { group_by_values: Record<string, GroupValue> })[];
}

interface Bucket {
  sums: Sums;
  groups: Map<string, { values: Record<string, GroupValue>; sums: Sums }>;
}

/** A group's value of a dimension: text, `is_byok`'s boolean, or null for a request without it. */
export type GroupValue = string | boolean | null;

/**
 * Adds usage rows up per period (hours, named `2026-11-23T10:00:00Z`; days; ISO weeks, starting
 * Monday; months; named by their first day, `2026-11-23`, or month, `2026-11`, in UTC; usage
 * is kept per hour, so every resolution is exact) and, optionally, per value of the
 * grouping dimensions. Sums are kept in micro-dollars and turned into dollars once, so a
 * period's spend is exactly the sum of its requests' costs. Memory grows with the periods and
 * groups, not with the rows.
 */
export class UsageReport {
  private readonly buckets = new Map<string, Bucket>();
  private entries = 0;

  constructor(
    private readonly resolution: Resolution,
    private readonly groupBy: readonly UsageDimension[],
  ) {}

  add(row: UsageRow): void {
    const name = bucketName(row.hour, this.resolution);
    let bucket = this.buckets.get(name);
    if (!bucket) {
      this.buckets.set(name, (bucket = { sums: emptySums(), groups: new Map() }));
      this.entries++;
    }
    addTo(bucket.sums, row);
    if (this.groupBy.length === 0) return;
    const values = Object.fromEntries(this.groupBy.map((dimension) => [dimension, valueOf(row, dimension)]));
    const groupKey = JSON.stringify(this.groupBy.map((dimension) => values[dimension]));
    let group = bucket.groups.get(groupKey);
    if (!group) {
      bucket.groups.set(groupKey, (group = { values, sums: emptySums() }));
      this.entries++;
    }
    addTo(group.sums, row);
  }

  /** How many periods and groups the answer holds so far: what its size grows with. */
  get size(): number {
    return this.entries;
  }

  /** Periods in order, each with its totals and, when grouping, `grouped_data`. */
  result(): Record<string, UsageBucket> {
    const usage: Record<string, UsageBucket> = {};
    for (const [name, bucket] of [...this.buckets.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      usage[name] = {
        ...inDollars(bucket.sums),
        ...(this.groupBy.length > 0
          ? { grouped_data: [...bucket.groups.values()].map((group) => ({ group_by_values: group.values, ...inDollars(group.sums) })) }
          : {}),
      };
    }
    return usage;
  }
}

function bucketName(at: number, resolution: Resolution): string {
  const date = new Date(at);
  if (resolution === 'month') return date.toISOString().slice(0, 7);
  if (resolution === 'day') return date.toISOString().slice(0, 10);
  if (resolution === 'hour') return `${date.toISOString().slice(0, 13)}:00:00Z`;
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - daysSinceMonday)).toISOString().slice(0, 10);
}

/** A row's value of a dimension; null when the row does not have it (a field it lacks, or an older row). */
function valueOf(row: UsageRow, dimension: UsageDimension): GroupValue {
  switch (dimension) {
    case 'model':
    case 'model_served':
    case 'model_used':
      return row.model;
    case 'model_requested':
      return row.modelRequested ?? null;
    case 'provider':
    case 'provider_used':
      return row.model.includes('/') ? row.model.slice(0, row.model.indexOf('/')) : null;
    case 'api_key':
    case 'api_key_id':
      return row.keyId;
    case 'user':
    case 'user_id':
      return row.userId ?? null;
    case 'group_id':
      return row.groupId ?? null;
    case 'group_name':
      return row.groupName ?? null;
    case 'origin_title':
      return row.originTitle ?? null;
    case 'is_byok':
      // Self-hosted, every provider is called with the team's own credentials: there is no other kind of request.
      return true;
    default: {
      // Own fields only: `extra.constructor` names a field, not what every object inherits.
      const field = dimension.slice('extra.'.length);
      return Object.hasOwn(row.extra, field) ? (row.extra[field] ?? null) : null;
    }
  }
}

function emptySums(): Sums {
  return { spend: 0, requests: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, cached_tokens: 0 };
}

function addTo(sums: Sums, row: UsageRow): void {
  sums.spend += row.cost;
  sums.requests += row.requests;
  sums.input_tokens += row.inputTokens;
  sums.output_tokens += row.outputTokens;
  sums.total_tokens += row.totalTokens;
  sums.cached_tokens += row.cachedTokens;
}

function inDollars(sums: Sums): Sums {
  return { ...sums, spend: microsToDollars(sums.spend) };
}
