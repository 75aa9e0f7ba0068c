import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { TimeChart } from '../chart.js';
import { buckets, count, dateTime, dollars, dollarsOrNull, labelsText, localInputInstant, localInputValue, parseLabels, periodSeconds } from '../format.js';
import { href, navigate } from '../route.js';
import type { ApiKey, UsagePeriod } from '../types.js';
import { Card, ErrorMessage, Field, Status, useSubmit } from '../ui.js';
import { useLoad } from '../use-load.js';
import { GroupField } from './group-field.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;
const usageWindows = {
  hour: { label: 'Last 48 hours, by hour', ms: 48 * 3_600_000 },
  day: { label: 'Last 30 days, by day', ms: 30 * 86_400_000 },
} as const;

/** One key: its limit, labels, expiry, group, status, deletion, and its usage over time. */
export function KeyPage({ id }: { id: string }) {
  const key = useLoad(() => api<ApiKey>('GET', `/apikey/${encodeURIComponent(id)}`), [id]);
  return html`<p><a href=${href('keys')}>← All keys</a></p>
    <${ErrorMessage} error=${key.error} />
    ${key.data ? html`<${KeyDetail} key=${key.data.id} apiKey=${key.data} onChanged=${key.reload} />` : key.loading ? html`<p>Loading…</p>` : null}`;
}

function KeyDetail({ apiKey, onChanged }: { apiKey: ApiKey; onChanged: () => void }) {
  const path = `/apikey/${encodeURIComponent(apiKey.id)}`;
  const submit = useSubmit();
  const [limit, setLimit] = useState(apiKey.monthly_limit === null ? '' : String(apiKey.monthly_limit));
  const [labels, setLabels] = useState(labelsText(apiKey.labels));
  const [expires, setExpires] = useState(apiKey.expires_at ? localInputValue(apiKey.expires_at) : '');
  const [groupId, setGroupId] = useState(apiKey.group_id ?? '');
  const [confirming, setConfirming] = useState(false);
  const errorFor = (param: string) => (submit.error?.param === param ? submit.error.message : undefined);
  const save = (what: string, suffix: string, body: unknown) => (event?: Event) => {
    event?.preventDefault();
    void submit.run(async () => {
      await api('POST', `${path}${suffix}`, body);
      onChanged();
      return `${what} saved.`;
    });
  };
  async function remove() {
    if (await submit.run(() => api('DELETE', path))) navigate('keys');
  }
  return html`<h1>Key: ${apiKey.name}</h1>
    <dl class="facts">
      <dt>Id</dt><dd><code>${apiKey.id}</code></dd>
      <dt>Key</dt><dd><code>${apiKey.key_prefix}…</code></dd>
      <dt>Spend this month</dt><dd data-testid="key-spend">${dollars(apiKey.spend)}</dd>
      <dt>Monthly limit</dt><dd data-testid="key-limit">${apiKey.monthly_limit === null ? 'none' : dollars(apiKey.monthly_limit)}</dd>
      <dt>Status</dt><dd>${apiKey.disabled ? 'disabled' : 'active'}</dd>
      <dt>Created</dt><dd>${dateTime(apiKey.created_at)}</dd>
    </dl>
    <${Status} text=${submit.status} />
    ${submit.error && !['monthly_limit', 'labels', 'expires_at', 'group_id'].includes(submit.error.param ?? '') ? html`<${ErrorMessage} error=${submit.error.message} />` : null}
    <div class="tiles">
      <${Card} title="Monthly limit">
        <form onSubmit=${save('Limit', '/limit', { monthly_limit: dollarsOrNull(limit) })}>
          <${Field} label="Monthly limit (USD)" hint="Empty: no limit." error=${errorFor('monthly_limit')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" step="0.01" inputmode="decimal" value=${limit} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setLimit(value(event))} />`}
          <//>
          <button type="submit" disabled=${submit.busy}>Save limit</button>
        </form>
      <//>
      <${Card} title="Labels">
        <form onSubmit=${save('Labels', '/labels', { labels: parseLabels(labels) })}>
          <${Field} label="Labels" hint="name=value, comma-separated" error=${errorFor('labels')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${labels} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setLabels(value(event))} />`}
          <//>
          <button type="submit" disabled=${submit.busy}>Save labels</button>
        </form>
      <//>
      <${Card} title="Expiry">
        <form onSubmit=${save('Expiry', '/expiry', { expires_at: expires === '' ? null : localInputInstant(expires) })}>
          <${Field} label="Expires (your local time)" hint="Empty: never." error=${errorFor('expires_at')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="datetime-local" step="any" value=${expires} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setExpires(value(event))} />`}
          <//>
          <button type="submit" disabled=${submit.busy}>Save expiry</button>
        </form>
      <//>
      <${Card} title="Group">
        <form onSubmit=${save('Group', '/group', { group_id: groupId === '' ? null : groupId })}>
          <${GroupField} value=${groupId} error=${errorFor('group_id')} onChange=${setGroupId} />
          <button type="submit" disabled=${submit.busy}>Save group</button>
        </form>
      <//>
    </div>
    <${KeyUsage} path=${path} />
    <${Card} title="Status">
      <div class="actions">
        <button type="button" class="secondary" disabled=${submit.busy} onClick=${save(apiKey.disabled ? 'Enabled' : 'Disabled', apiKey.disabled ? '/enable' : '/disable', undefined)}>
          ${apiKey.disabled ? 'Enable key' : 'Disable key'}
        </button>
        ${confirming
          ? html`<span role="group" aria-label="Confirm deletion">
              <span>Delete "${apiKey.name}" for good?</span>
              <button type="button" class="danger" onClick=${remove}>Delete key</button>
              <button type="button" class="secondary" onClick=${() => setConfirming(false)}>Cancel</button>
            </span>`
          : html`<button type="button" class="danger" onClick=${() => setConfirming(true)}>Delete…</button>`}
      </div>
    <//>`;
}

function KeyUsage({ path }: { path: string }) {
  const [resolution, setResolution] = useState<keyof typeof usageWindows>('day');
  const usage = useLoad(async () => {
    const end = Date.now();
    const start = end - usageWindows[resolution].ms;
    const answer = await api<{ usage: Record<string, UsagePeriod> }>('POST', `${path}/usage`, {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      resolution,
    });
    return { ...answer, times: buckets(start, end, resolution) };
  }, [path, resolution]);
  const chart = useMemo(() => {
    const byPeriod = new Map(Object.entries(usage.data?.usage ?? {}).map(([period, entry]) => [periodSeconds(period), entry]));
    const times = usage.data?.times ?? [];
    return {
      times,
      requests: [{ label: 'Requests', values: times.map((time) => byPeriod.get(time)?.requests ?? 0), format: count }],
      spend: [{ label: 'Spend (USD)', values: times.map((time) => byPeriod.get(time)?.spend ?? 0), format: dollars }],
    };
  }, [usage.data]);
  return html`<${Card} title="Usage">
    <fieldset class="inline">
      <legend>Period</legend>
      ${Object.entries(usageWindows).map(
        ([name, window]) => html`<label><input type="radio" name="usage-resolution" value=${name} checked=${resolution === name}
          onChange=${() => setResolution(name as keyof typeof usageWindows)} /> ${window.label}</label>`,
      )}
    </fieldset>
    <${ErrorMessage} error=${usage.error} />
    <div class="charts" data-testid="key-usage">
      <${TimeChart} title="Requests of this key" times=${chart.times} series=${chart.requests} />
      <${TimeChart} title="Spend of this key" times=${chart.times} series=${chart.spend} />
    </div>
  <//>`;
}
