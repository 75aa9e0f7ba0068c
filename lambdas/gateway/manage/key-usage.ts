import { z } from 'zod';
import { UsageReport, type UsageDimension } from '../../core/accounting/usage-report.js';
import { parseBody } from '../parse-body.js';
import type { ManagementDeps } from './management-deps.js';

/** Usage is kept 400 days; a report spans at most that. */
const maxSpanMs = 400 * 86_400_000;

const dimensionSchema = z.union([
  z.enum(['model', 'user']),
  z.templateLiteral(['extra.', z.string().min(1).max(256)]),
]) satisfies z.ZodType<UsageDimension>;

const usageRequestSchema = z
  .object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    resolution: z.enum(['day', 'week', 'month']).default('day'),
    group_by: z.array(dimensionSchema).max(3).default([]),
  })
  .strict()
  .refine(({ start, end }) => Date.parse(start) <= Date.parse(end), { message: 'end must not be before start', path: ['end'] })
  .refine(({ start, end }) => Date.parse(end) - Date.parse(start) <= maxSpanMs, { message: 'the range spans at most 400 days', path: ['end'] });

/**
 * `POST /v1/manage/apikey/<id>/usage`: a key's spend and tokens from the hour holding `start`
 * to the one holding `end`, per day, week or month, optionally grouped by model, user or a
 * `requesty.extra` field: Requesty's shape, with money as numbers. Settling adds every request
 * to its hour's usage, so the numbers are the sum of the requests.
 */
export async function keyUsage(body: string, keyId: string, deps: ManagementDeps) {
  const query = parseBody(body, usageRequestSchema);
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
