import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { TimeChart } from '../chart.js';
import { buckets, count, dollars, isoDay, milliseconds, monthStart, percent, periodSeconds } from '../format.js';
import type { AnalyticsAnswer, Organisation } from '../types.js';
import { Card, ErrorMessage, TableWrap } from '../ui.js';
import { useLoad } from '../use-load.js';

const analytics = (spec: Record<string, unknown>) => api<AnalyticsAnswer>('POST', '/analytics', spec);

/** This month at a glance: spend against the limits, traffic, errors, latency, top models. */
export function OverviewPage() {
  const org = useLoad(() => api<Organisation>('GET', '/org'));
  const month = { start: monthStart(), end: isoDay() };
  const totals = useLoad(() => analytics({ ...month, metrics: ['cost', 'requests', 'error_rate', 'latency_p50', 'latency_p95'] }));
  const daily = useLoad(() => analytics({ start: isoDay(-29), end: isoDay(), metrics: ['requests', 'cost', 'error_rate'], resolution: 'day' }));
  const top = useLoad(() => analytics({ ...month, metrics: ['requests', 'cost', 'latency_p95'], group_by: ['model'], limit: 5 }));
  const row = totals.data?.rows[0];
  const chart = useMemo(() => {
    const byPeriod = new Map((daily.data?.rows ?? []).map((entry) => [periodSeconds(String(entry.period)), entry]));
    const times = daily.data ? buckets(Date.now() - 29 * 86_400_000, Date.now(), 'day') : [];
    return {
      times,
      requests: [{ label: 'Requests', values: times.map((time) => Number(byPeriod.get(time)?.requests ?? 0)), format: count }],
      cost: [{ label: 'Spend (USD)', values: times.map((time) => Number(byPeriod.get(time)?.cost ?? 0)), format: dollars }],
    };
  }, [daily.data]);
  return html`<h1>Overview</h1>
    <p class="lead">This month (UTC) so far${org.data?.name ? ` for ${org.data.name}` : ''}.</p>
    <div class="tiles">
      <${Card} title="Spend this month">
        <${ErrorMessage} error=${org.error} />
        ${org.data ? html`<p class="big" data-testid="org-spend">${dollars(org.data.spend)}</p>
              ${org.data.monthly_limit === null
                ? html`<p>No monthly limit.</p>`
                : html`<p>of ${dollars(org.data.monthly_limit)}</p>
                    <meter min="0" max=${org.data.monthly_limit} value=${org.data.spend} aria-label="Spend against the monthly limit"></meter>`}
              ${org.data.balance === null ? null : html`<p>Prepaid balance left: ${dollars(org.data.balance)}</p>`}` : null}
      <//>
      <${Card} title="Requests">
        <p class="big" data-testid="requests-total">${row ? count(Number(row.requests ?? 0)) : '…'}</p>
        <p>Error rate ${percent(row?.error_rate as number | null | undefined)}</p>
      <//>
      <${Card} title="Latency">
        <p class="big">${milliseconds(row?.latency_p50 as number | null | undefined)}</p>
        <p>p50; p95 ${milliseconds(row?.latency_p95 as number | null | undefined)}</p>
      <//>
    </div>
    <${ErrorMessage} error=${totals.error ?? daily.error ?? top.error} />
    <${Card} title="Last 30 days">
      <div class="charts">
        <${TimeChart} title="Requests per day" times=${chart.times} series=${chart.requests} />
        <${TimeChart} title="Spend per day" times=${chart.times} series=${chart.cost} />
      </div>
    <//>
    <${Card} title="Top models this month">
      ${top.data && top.data.rows.length === 0 ? html`<p class="empty">No requests this month yet.</p>` : null}
      ${top.data && top.data.rows.length > 0
        ? html`<${TableWrap} label="Top models">
            <table data-testid="top-models">
              <thead><tr><th scope="col">Model</th><th scope="col">Requests</th><th scope="col">Spend</th><th scope="col">p95 latency</th></tr></thead>
              <tbody>
                ${top.data.rows.map(
                  (entry) => html`<tr>
                    <th scope="row">${entry.model ?? '(none answered)'}</th>
                    <td>${count(Number(entry.requests))}</td>
                    <td>${dollars(Number(entry.cost))}</td>
                    <td>${milliseconds(entry.latency_p95 as number | null)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          <//>`
        : null}
    <//>`;
}
