import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, request } from '../api.js';
import { analyticsFields, analyticsMetrics, analyticsResolutions } from '../analytics-vocabulary.js';
import { TimeChart, type ChartSeries } from '../chart.js';
import { isoDay, periodSeconds } from '../format.js';
import type { AnalyticsAnswer, AnalyticsRow } from '../types.js';
import { Card, ErrorMessage, Field, Status, TableWrap, useSubmit } from '../ui.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;
const maxSeries = 8;

/** Metrics × group-by × time over the request log, as a table, a chart and a CSV file. */
export function AnalyticsPage() {
  const [start, setStart] = useState(isoDay(-6));
  const [end, setEnd] = useState(isoDay());
  const [metrics, setMetrics] = useState<string[]>(['requests', 'cost']);
  const [groupBy, setGroupBy] = useState<string[]>(['model', '']);
  const [resolution, setResolution] = useState('day');
  const [filterField, setFilterField] = useState('');
  const [filterValues, setFilterValues] = useState('');
  const [answer, setAnswer] = useState<AnalyticsAnswer | undefined>();
  const submit = useSubmit();
  const errorFor = (param: string) => (submit.error?.param?.startsWith(param) ? submit.error.message : undefined);
  const spec = (format: 'json' | 'csv') => ({
    start,
    end,
    metrics,
    group_by: groupBy.filter(Boolean),
    ...(resolution ? { resolution } : {}),
    ...(filterField && filterValues.trim() ? { filters: { [filterField]: filterValues.split(',').map((entry) => entry.trim()) } } : {}),
    format,
  });
  function run(event: Event) {
    event.preventDefault();
    void submit.run(async () => {
      const result = await api<AnalyticsAnswer>('POST', '/analytics', spec('json'));
      setAnswer(result);
      return `${result.rows.length} rows${result.truncated ? ' (truncated)' : ''}.`;
    });
  }
  function exportCsv() {
    void submit.run(async () => {
      const blob = await (await request('POST', '/analytics', spec('csv'))).blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `switchboard-analytics-${start}-${end}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      return 'CSV exported.';
    });
  }
  const toggleMetric = (name: string, on: boolean) => setMetrics(on ? [...metrics, name] : metrics.filter((other) => other !== name));
  return html`<h1>Analytics</h1>
    <${Card} title="Query">
      <form onSubmit=${run}>
        <div class="grid-form">
          <${Field} label="From" hint="UTC day, included." error=${errorFor('start')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="date" required value=${start} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setStart(value(event))} />`}
          <//>
          <${Field} label="To" hint="UTC day, included." error=${errorFor('end')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="date" required value=${end} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setEnd(value(event))} />`}
          <//>
          <${Field} label="Over time" error=${errorFor('resolution')}>
            ${({ id }: Input) => html`<select id=${id} value=${resolution} onChange=${(event: Event) => setResolution(value(event))}>
              <option value="">Totals only</option>
              ${analyticsResolutions.map((name) => html`<option value=${name}>by ${name}</option>`)}
            </select>`}
          <//>
          ${groupBy.map(
            (field, index) => html`<${Field} label=${`Group by ${index === 0 ? '' : '(then) '}`} error=${index === 0 ? errorFor('group_by') : undefined}>
              ${({ id }: Input) => html`<select id=${id} value=${field} onChange=${(event: Event) => setGroupBy(groupBy.map((other, at) => (at === index ? value(event) : other)))}>
                <option value="">—</option>
                ${analyticsFields.map((name) => html`<option value=${name}>${name}</option>`)}
              </select>`}
            <//>`,
          )}
          <${Field} label="Filter on" error=${errorFor('filters')}>
            ${({ id }: Input) => html`<select id=${id} value=${filterField} onChange=${(event: Event) => setFilterField(value(event))}>
              <option value="">No filter</option>
              ${analyticsFields.map((name) => html`<option value=${name}>${name}</option>`)}
            </select>`}
          <//>
          <${Field} label="Filter values" hint="Comma-separated; * is a wildcard (openai/*).">
            ${({ id, describedBy }: Input) => html`<input id=${id} value=${filterValues} disabled=${!filterField} aria-describedby=${describedBy} onInput=${(event: Event) => setFilterValues(value(event))} />`}
          <//>
        </div>
        <fieldset class="metrics">
          <legend>Metrics</legend>
          ${errorFor('metrics') ? html`<p class="error" role="alert">${errorFor('metrics')}</p>` : null}
          ${analyticsMetrics.map(
            (name) => html`<label><input type="checkbox" checked=${metrics.includes(name)} onChange=${(event: Event) => toggleMetric(name, (event.target as HTMLInputElement).checked)} /> ${name}</label>`,
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled=${submit.busy || metrics.length === 0}>Run</button>
          <button type="button" class="secondary" disabled=${submit.busy || metrics.length === 0} onClick=${exportCsv}>Export CSV</button>
        </div>
        ${submit.error && !/^(start|end|resolution|group_by|filters|metrics)/.test(submit.error.param ?? '') ? html`<${ErrorMessage} error=${submit.error.message} />` : null}
        <${Status} text=${submit.status} />
      </form>
    <//>
    ${answer ? html`<${Results} answer=${answer} metrics=${metrics} groupBy=${groupBy.filter(Boolean)} />` : null}`;
}

function Results({ answer, metrics, groupBy }: { answer: AnalyticsAnswer; metrics: string[]; groupBy: string[] }) {
  const columns = answer.rows[0] ? Object.keys(answer.rows[0]) : [];
  const chart = useMemo(() => seriesOf(answer.rows, metrics[0] ?? '', groupBy), [answer, metrics, groupBy]);
  return html`<${Card} title="Results">
    ${chart ? html`<${TimeChart} title=${`${metrics[0]} over time`} times=${chart.times} series=${chart.series} />` : null}
    ${answer.rows.length === 0 ? html`<p class="empty">No requests matched.</p>` : null}
    ${answer.rows.length > 0
      ? html`<${TableWrap} label="Analytics results">
          <table data-testid="analytics-results">
            <thead><tr>${columns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
            <tbody>${answer.rows.map((row) => html`<tr>${columns.map((column) => html`<td>${row[column] === null ? '—' : String(row[column])}</td>`)}</tr>`)}</tbody>
          </table>
        <//>`
      : null}
  <//>`;
}

/** One line per combination of group-by values (the largest first), over the periods. */
function seriesOf(rows: AnalyticsRow[], metric: string, groupBy: string[]): { times: number[]; series: ChartSeries[] } | undefined {
  if (!rows.some((row) => 'period' in row) || !metric) return undefined;
  const times = [...new Set(rows.map((row) => periodSeconds(String(row.period))))].sort((a, b) => a - b);
  const lines = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const name = groupBy.map((field) => String(row[field] ?? 'none')).join(' · ') || metric;
    const line = lines.get(name) ?? new Map<number, number>();
    line.set(periodSeconds(String(row.period)), Number(row[metric] ?? 0));
    lines.set(name, line);
  }
  const total = (line: Map<number, number>) => [...line.values()].reduce((sum, entry) => sum + entry, 0);
  const series = [...lines.entries()]
    .sort(([, a], [, b]) => total(b) - total(a))
    .slice(0, maxSeries)
    .map(([label, line]) => ({ label, values: times.map((time) => line.get(time) ?? null) }));
  return { times, series };
}
