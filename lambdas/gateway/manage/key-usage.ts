import { z } from 'zod';
import { UsageReport, usageDimensions, type Resolution, type UsageBucket, type UsageDimension } from '../../core/accounting/usage-report.js';
import { microsToDollars } from '../../core/catalog/request-cost.js';
import { GatewayError } from '../../core/errors.js';
import type { UsageRow } from '../../ports/usage-store.js';
import type { GatewayRequest } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { ManagementDeps } from './management-deps.js';
import { parseQuery } from './management-request.js';

/** Usage is kept 400 days; a report spans at most that. */
const maxSpanDays = 400;
/** An hourly report is a row per hour and group: a month of hours keeps the answer a few MB at most. */
const maxHourlySpanDays = 31;
const maxGroupBy = 3;

const dimensionSchema = z.union([
  z.enum(usageDimensions),
  z.templateLiteral(['extra.', z.string().min(1).max(256)]),
]) satisfies z.ZodType<UsageDimension>;

const groupBySchema = z.array(dimensionSchema).max(maxGroupBy);

const fields = {
  start: z.iso.datetime({ offset: true }),
  /** Omitted: a day after `start`, as on Requesty. */
  end: z.iso.datetime({ offset: true }).optional(),
  resolution: z.enum(['hour', 'day', 'week', 'month']).default('day'),
};

/** `end`, or Requesty's default: 24 hours after `start`. */
function withEnd<Query extends { start: string; end?: string | undefined }>(query: Query): Query & { end: string } {
  return { ...query, end: query.end ?? new Date(Date.parse(query.start) + 86_400_000).toISOString() };
}

interface UsageQuery {
  start: string;
  end: string;
  resolution: Resolution;
  group_by: UsageDimension[];
}

/** `end` after `start`, within how long usage is kept (and a month for hourly reports). */
function rangeProblems(query: UsageQuery, ctx: z.RefinementCtx): void {
  const span = Date.parse(query.end) - Date.parse(query.start);
  const maxDays = query.resolution === 'hour' ? maxHourlySpanDays : maxSpanDays;
  if (span < 0) ctx.addIssue({ code: 'custom', message: 'end must not be before start', path: ['end'] });
  else if (span > maxDays * 86_400_000) {
    const message = query.resolution === 'hour' ? `an hourly report spans at most ${maxDays} days` : `the range spans at most ${maxDays} days`;
    ctx.addIssue({ code: 'custom', message, path: ['end'] });
  }
}

/** As a JSON body: `{"start", "end", "resolution"?, "group_by"?: [...]}`. */
const bodySchema = z
  .object({ ...fields, group_by: groupBySchema.default([]) })
  .strict()
  .transform(withEnd)
  .superRefine(rangeProblems);

/**
 * As query parameters: `?start=…&end=…&resolution=hour&group_by=model,extra.team`. A function URL
 * joins a repeated parameter's values with commas, so `group_by=model&group_by=user` is the same.
 */
const queryParamsSchema = z
  .object({
    ...fields,
    group_by: z
      .string()
      .optional()
      .transform((list) => (list ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(groupBySchema),
  })
  .strict()
  .transform(withEnd)
  .superRefine(rangeProblems);

/**
 * The report's options, from a JSON body (a `POST`, or a `GET` with a body as Requesty's
 * examples send it) or from query parameters (a `GET` without one, which CloudFront forwards
 * where it refuses a GET with a body); both at once are ambiguous, so refused.
 */
function usageQuery(request: GatewayRequest): UsageQuery {
  const hasBody = request.body.trim() !== '';
  const parameters = Object.keys(request.query);
  if (hasBody && parameters.length > 0) {
    throw new GatewayError(400, 'invalid_request', 'Give the usage query either as a JSON body or as query parameters, not both.', {
      param: parameters[0] ?? null,
    });
  }
  return hasBody ? parseBody(request.body, bodySchema) : parseQuery(request.query, queryParamsSchema);
}

/**
 * The most periods and groups one answer holds: a few MB of JSON, within what a Lambda may
 * answer (6 MB). Reading stops as soon as a report would pass it.
 */
const maxEntries = 20_000;

/**
 * `GET|POST /v1/manage/apikey/<id>/usage`: a key's spend and tokens from the hour holding
 * `start` to the one holding `end`, per hour, day, week or month, optionally grouped by models,
 * provider, key, user, group, calling app or a `requesty.extra` field: Requesty's shape, with
 * money as numbers. Settling adds every request to its hour's usage, so the numbers are the sum
 * of the requests.
 */
export async function keyUsage(request: GatewayRequest, keyId: string, deps: ManagementDeps) {
  return { key_id: keyId, ...(await usageReport(request, (from, to) => deps.usage.usage(keyId, from, to))) };
}

/**
 * `GET|POST /v1/manage/org/usage`: the same over every key of the organisation, deleted ones
 * included, read from the organisation's twins of the usage rows in one range (see usage-items.ts).
 */
export function orgUsage(request: GatewayRequest, deps: ManagementDeps) {
  return usageReport(request, (from, to) => deps.usage.orgUsage(from, to));
}

async function usageReport(request: GatewayRequest, rows: (from: number, to: number) => AsyncIterable<UsageRow>) {
  const query = usageQuery(request);
  const report = new UsageReport(query.resolution, query.group_by);
  for await (const row of rows(Date.parse(query.start), Date.parse(query.end))) {
    report.add(row);
    if (report.size > maxEntries) {
      throw new GatewayError(400, 'report_too_large', `The report would hold more than ${maxEntries} periods and groups: ask for a shorter range, a coarser resolution or fewer group_by dimensions.`, {
        param: query.group_by.length > 0 ? 'group_by' : 'resolution',
      });
    }
  }
  return {
    start: new Date(query.start).toISOString(),
    end: new Date(query.end).toISOString(),
    resolution: query.resolution,
    group_by: query.group_by,
    usage: withRequestyCounts(report.result()),
  };
}

/** Each period and group also counts its requests as Requesty names them, `completions_requests`. */
function withRequestyCounts(usage: Record<string, UsageBucket>) {
  return Object.fromEntries(
    Object.entries(usage).map(([period, bucket]) => [
      period,
      {
        ...bucket,
        completions_requests: bucket.requests,
        ...(bucket.grouped_data ? { grouped_data: bucket.grouped_data.map((group) => ({ ...group, completions_requests: group.requests })) } : {}),
      },
    ]),
  );
}

const dateSchema = z.iso.date();

/**
 * Requesty's older usage call, `GET /v1/manage/apikey/<id>?start_date=2025-01-01&end_date=2025-01-31`
 * (https://docs.requesty.ai/api-reference/endpoint/manage-api-key-get-usage): UTC days from
 * `start_date` up to (not including) `end_date`, by default tomorrow.
 */
const dateQuerySchema = z
  .object({ start_date: dateSchema, end_date: dateSchema.optional() })
  .strict()
  .transform((query) => {
    const start = Date.parse(`${query.start_date}T00:00:00Z`);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const end = Date.parse(`${query.end_date ?? tomorrow}T00:00:00Z`);
    return { start, end, start_date: query.start_date, end_date: query.end_date ?? tomorrow };
  })
  .superRefine((query, ctx) => {
    if (query.end <= query.start) ctx.addIssue({ code: 'custom', message: 'end_date must be after start_date', path: ['end_date'] });
    else if (query.end - query.start > maxSpanDays * 86_400_000) ctx.addIssue({ code: 'custom', message: `the range spans at most ${maxSpanDays} days`, path: ['end_date'] });
  });

/** Whether a `GET /v1/manage/apikey/<id>` asks for usage (Requesty's older call) rather than the key. */
export function isDateUsageQuery(query: GatewayRequest['query']): boolean {
  return query.start_date !== undefined || query.end_date !== undefined;
}

/** The key's totals over whole UTC days, in Requesty's shape (`completions_requests`, `spend`), with tokens besides. */
export async function keyUsageByDates(query: GatewayRequest['query'], keyId: string, deps: ManagementDeps) {
  const range = parseQuery(query, dateQuerySchema);
  // Summed in micro-dollars, turned into dollars once, so the spend is exact.
  const totals = { cost: 0, requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  // Usage is kept per hour: the last hour before `end_date` is the last one counted.
  for await (const row of deps.usage.usage(keyId, range.start, range.end - 1)) {
    for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += row[field];
  }
  return {
    key_id: keyId,
    start_date: range.start_date,
    end_date: range.end_date,
    completions_requests: totals.requests,
    spend: microsToDollars(totals.cost),
    input_tokens: totals.inputTokens,
    output_tokens: totals.outputTokens,
    total_tokens: totals.totalTokens,
  };
}
