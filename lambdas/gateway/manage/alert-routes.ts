import { randomBytes } from 'node:crypto';
import { alertTypeRules, createAlertRequestSchema, maxAlerts, type AlertRule } from '../../core/alerts/alert-rules.js';
import { balanceMarker } from '../../core/alerts/crossed-alerts.js';
import { GatewayError } from '../../core/errors.js';
import { jsonResponse } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement, maxIdLength, pathId } from './management-request.js';

const maxAlertIdLength = 64;

/**
 * Spend alerts: `/v1/manage/alert[/<id>]`, documented in the README. An alert fires once per
 * crossing of its threshold per billing month (the balance alert: until a top-up raises the
 * balance above it again), to every webhook.
 */
export const alertRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/alert': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const rules = await deps.alerts.rules.list();
      return jsonResponse(200, { data: rules.sort((a, b) => a.createdAt - b.createdAt).map(publicAlert) });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, createAlertRequestSchema);
      if ((await deps.alerts.rules.list()).length >= maxAlerts) {
        throw new GatewayError(409, 'too_many_alerts', `An organisation has at most ${maxAlerts} alerts; delete one first.`);
      }
      if (body.keyId !== undefined) {
        const key = body.keyId.length > maxIdLength.key ? undefined : await deps.keys.findById(body.keyId);
        if (!key || key.kind !== 'api') throw invalid('key_id', `No API key with id "${body.keyId}".`);
      }
      if (body.groupId !== undefined && !(await deps.directory.group(body.groupId))) {
        throw invalid('group_id', `No group with id "${body.groupId}".`);
      }
      const rule: AlertRule = { id: `alr_${randomBytes(16).toString('hex')}`, ...body, createdAt: Date.now() };
      await deps.alerts.rules.create(rule);
      return jsonResponse(201, publicAlert(rule));
    },
  },
  '/v1/manage/alert/:id': {
    DELETE: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      if (!(await deps.alerts.rules.delete(pathId(id, maxAlertIdLength, notFound)))) throw notFound(id);
      return jsonResponse(200, { id, deleted: true });
    },
  },
};

/**
 * A top-up (`POST /v1/manage/org` with a `balance`) re-arms the balance alerts whose
 * threshold the new balance is above: the next drop below one is announced again.
 */
export async function rearmBalanceAlerts(deps: ManagementDeps, prepaidLimit: number, balance: number): Promise<void> {
  const rules = await deps.alerts.rules.list();
  const rearmed = rules.filter((rule) => rule.type === 'org.balance.below_absolute' && balance >= rule.threshold);
  await Promise.all(rearmed.map((rule) => deps.alerts.markers.rearmBalance(balanceMarker(rule.id, prepaidLimit))));
}

function publicAlert(rule: AlertRule) {
  const percent = alertTypeRules[rule.type].unit === 'percent';
  return {
    id: rule.id,
    type: rule.type,
    threshold: percent ? rule.threshold / 100 : rule.threshold / 1_000_000,
    key_id: rule.keyId ?? null,
    group_id: rule.groupId ?? null,
    description: rule.description ?? '',
    created_at: new Date(rule.createdAt).toISOString(),
  };
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request', message, { param, type: 'invalid_request_error' });
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, 'alert_not_found', `No alert with id "${id}".`, { param: 'id' });
}
