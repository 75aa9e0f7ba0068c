import { z } from 'zod';
import { UsageReport, usageDimensions, type Resolution, type UsageDimension } from '../../core/accounting/usage-report.js';
import { GatewayError } from '../../core/errors.js';
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
  end: z.iso.datetime({ offset: true }),
  resolution: z.enum(['hour', 'day', 'week', 'month']).default('day'),
};

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
 * `GET|POST /v1/manage/apikey/<id>/usage`: a key's spend and tokens from the hour holding
 * `start` to the one holding `end`, per hour, day, week or month, optionally grouped by models,
 * provider, key, user or a `requesty.extra` field: Requesty's shape, with money as numbers.
 * Settling adds every request to its hour's usage, so the numbers are the sum of the requests.
 */
export async function keyUsage(request: GatewayRequest, keyId: string, deps: ManagementDeps) {
  const query = usageQuery(request);
  const report = new UsageReport(query.resolution, query.group_by);
  for await (const row of deps.usage.usage(keyId, Date.parse(query.start), Date.parse(query.end))) report.add(row);
  return {
    key_id: keyId,
    start: new Date(query.start).toISOString(),
    end: new Date(query.end).toISOString(),
    resolution: query.resolution,
    group_by: query.group_by,
    usage: report.result(),
  };
}
