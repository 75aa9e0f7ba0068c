import { analyticsReport, reportCsv } from '../../core/analytics/analytics-report.js';
import { analyticsSpecSchema } from '../../core/analytics/analytics-spec.js';
import { GatewayError } from '../../core/errors.js';
import { jsonResponse } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement } from './management-request.js';

/**
 * `POST /v1/manage/analytics`: metrics over the request log, grouped and filtered, as JSON rows
 * or CSV; documented in the README's Analytics section. Athena answers deployed (scanned bytes
 * reported, as Athena bills by them), DuckDB locally: the same SQL.
 */
export const analyticsRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/analytics': {
    POST: async (request, deps) => {
      // A report reads: an API key with `manage: read` may run it.
      await authorizeManagement(request, deps, 'read');
      const spec = parseBody(request.body, analyticsSpecSchema);
      if (!deps.analytics) throw new GatewayError(503, 'analytics_unavailable', 'This deployment has no analytics engine configured (ATHENA_WORKGROUP, ATHENA_DATABASE).');
      const report = await analyticsReport(spec, deps.analytics, Date.now());
      const scanned = report.scannedBytes;
      if (spec.format === 'csv') {
        return {
          status: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="analytics.csv"',
            'x-switchboard-truncated': String(report.truncated),
            ...(scanned === undefined ? {} : { 'x-switchboard-scanned-bytes': String(scanned) }),
          },
          body: reportCsv(report),
        };
      }
      return jsonResponse(200, { rows: report.rows, truncated: report.truncated, ...(scanned === undefined ? {} : { scanned_bytes: scanned }) });
    },
  },
};
