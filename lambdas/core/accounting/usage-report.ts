import type { UsageRow } from '../../ports/usage-store.js';
import { microsToDollars } from '../catalog/request-cost.js';

export type Resolution = 'day' | 'week' | 'month';

/** `model`, `user` (requesty.user_id) or `extra.<field>` (a requesty.extra field). */
export type UsageDimension = 'model' | 'user' | `extra.${string}`;

interface Sums {
  spend: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface UsageBucket extends Sums {
  grouped_data?: (Sums & { group_by_values: Record<string, string | null> })[];
}

interface Bucket {
  sums: Sums;
  groups: Map<string, { values: Record<string, string | null>; sums: Sums }>;
}

/**
 * Adds usage rows up per period (days; ISO weeks, starting Monday; months; named by their
 * first day, `2026-11-23`, or month, `2026-11`, in UTC) and, optionally, per value of the
 * grouping dimensions. Sums are kept in micro-dollars and turned into dollars once, so a
 * period's spend is exactly the sum of its requests' costs. Memory grows with the periods and
 * groups, not with the rows.
 */
export class UsageReport {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly resolution: Resolution,
    private readonly groupBy: readonly UsageDimension[],
  ) {}

  add(row: UsageRow): void {
    const name = bucketName(row.hour, this.resolution);
    let bucket = this.buckets.get(name);
    if (!bucket) this.buckets.set(name, (bucket = { sums: emptySums(), groups: new Map() }));
    addTo(bucket.sums, row);
    if (this.groupBy.length === 0) return;
    const values = Object.fromEntries(this.groupBy.map((dimension) => [dimension, valueOf(row, dimension)]));
    const groupKey = JSON.stringify(this.groupBy.map((dimension) => values[dimension]));
    let group = bucket.groups.get(groupKey);
    if (!group) bucket.groups.set(groupKey, (group = { values, sums: emptySums() }));
    addTo(group.sums, row);
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
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - daysSinceMonday)).toISOString().slice(0, 10);
}

function valueOf(row: UsageRow, dimension: UsageDimension): string | null {
  if (dimension === 'model') return row.model;
  if (dimension === 'user') return row.userId ?? null;
  return row.extra[dimension.slice('extra.'.length)] ?? null;
}

function emptySums(): Sums {
  return { spend: 0, requests: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0 };
}

function addTo(sums: Sums, row: UsageRow): void {
  sums.spend += row.cost;
  sums.requests += row.requests;
  sums.input_tokens += row.inputTokens;
  sums.output_tokens += row.outputTokens;
  sums.total_tokens += row.totalTokens;
}

function inDollars(sums: Sums): Sums {
  return { ...sums, spend: microsToDollars(sums.spend) };
}
