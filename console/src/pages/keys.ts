import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime, dollars, dollarsOrNull, labelsText, localInputInstant, parseLabels } from '../format.js';
import { href } from '../route.js';
import type { ApiKey, Page } from '../types.js';
import { Card, ErrorMessage, Field, TableWrap, useSubmit } from '../ui.js';
import { useLoad } from '../use-load.js';
import { GroupField } from './group-field.js';
import { SecretOnce } from './secret-once.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;

/** Every API key, and a form that creates one and shows its secret this once. */
export function KeysPage() {
  const [cursor, setCursor] = useState<string | undefined>();
  const keys = useLoad(() => api<Page<ApiKey>>('GET', `/apikey?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), [cursor]);
  const [created, setCreated] = useState<{ name: string; key: string } | undefined>();
  return html`<h1>API keys</h1>
    ${created
      ? html`<${SecretOnce} title=${`Key "${created.name}" created`} secret=${created.key} what="API key" onDone=${() => setCreated(undefined)} />`
      : null}
    <${CreateKey} onCreated=${(key: ApiKey & { key: string }) => (setCreated({ name: key.name, key: key.key }), keys.reload())} />
    <${Card} title="Keys">
      <${ErrorMessage} error=${keys.error} />
      ${keys.data && keys.data.data.length === 0 ? html`<p class="empty">No API keys yet.</p>` : null}
      ${keys.data && keys.data.data.length > 0
        ? html`<${TableWrap} label="API keys">
            <table>
              <thead><tr>
                <th scope="col">Name</th><th scope="col">Key</th><th scope="col">Spend this month</th><th scope="col">Monthly limit</th>
                <th scope="col">Labels</th><th scope="col">Expires</th><th scope="col">Status</th>
              </tr></thead>
              <tbody>
                ${keys.data.data.map(
                  (key) => html`<tr>
                    <th scope="row"><a href=${href('keys', key.id)}>${key.name}</a></th>
                    <td><code>${key.key_prefix}…</code></td>
                    <td>${dollars(key.spend)}</td>
                    <td>${key.monthly_limit === null ? 'none' : dollars(key.monthly_limit)}</td>
                    <td>${labelsText(key.labels) || '—'}</td>
                    <td>${key.expires_at ? dateTime(key.expires_at) : 'never'}</td>
                    <td>${key.disabled ? html`<span class="badge off">disabled</span>` : html`<span class="badge on">active</span>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          <//>`
        : null}
      ${keys.data?.next_cursor ? html`<button type="button" class="secondary" onClick=${() => setCursor(keys.data?.next_cursor ?? undefined)}>Next page</button>` : null}
    <//>`;
}

function CreateKey({ onCreated }: { onCreated: (key: ApiKey & { key: string }) => void }) {
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [labels, setLabels] = useState('');
  const [expires, setExpires] = useState('');
  const [groupId, setGroupId] = useState('');
  const submit = useSubmit();
  const errorFor = (param: string) => (submit.error?.param === param ? submit.error.message : undefined);
  async function create(event: Event) {
    event.preventDefault();
    const ok = await submit.run(async () => {
      const body = {
        name: name.trim(),
        ...(limit.trim() === '' ? {} : { monthly_limit: dollarsOrNull(limit) }),
        ...(labels.trim() === '' ? {} : { labels: parseLabels(labels) }),
        ...(expires === '' ? {} : { expires_at: localInputInstant(expires) }),
        ...(groupId === '' ? {} : { group_id: groupId }),
      };
      onCreated(await api<ApiKey & { key: string }>('POST', '/apikey', body));
    });
    if (ok) [setName, setLimit, setLabels, setExpires, setGroupId].forEach((reset) => reset(''));
  }
  return html`<${Card} title="Create a key">
    <form onSubmit=${create} class="grid-form">
      <${Field} label="Name" error=${errorFor('name')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} required maxlength="128" value=${name} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setName(value(event))} />`}
      <//>
      <${Field} label="Monthly limit (USD)" hint="Empty: the organisation's default limit for new keys." error=${errorFor('monthly_limit')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" step="0.01" inputmode="decimal" value=${limit} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setLimit(value(event))} />`}
      <//>
      <${Field} label="Labels" hint="name=value, comma-separated" error=${errorFor('labels')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${labels} placeholder="team=search" aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setLabels(value(event))} />`}
      <//>
      <${Field} label="Expires (your local time)" hint="Empty: never." error=${errorFor('expires_at')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="datetime-local" value=${expires} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setExpires(value(event))} />`}
      <//>
      <${GroupField} value=${groupId} error=${errorFor('group_id')} onChange=${setGroupId} />
      <div class="actions">
        <button type="submit" disabled=${submit.busy}>${submit.busy ? 'Creating…' : 'Create key'}</button>
      </div>
      ${submit.error && !['name', 'monthly_limit', 'labels', 'expires_at', 'group_id'].includes(submit.error.param ?? '')
        ? html`<${ErrorMessage} error=${submit.error.message} />`
        : null}
    </form>
  <//>`;
}
