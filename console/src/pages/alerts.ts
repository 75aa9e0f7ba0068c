import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import type { Alert, Delivery, Webhook } from '../types.js';
import { Card, ErrorMessage, Field, Status, TableWrap, useSubmit } from '../ui.js';
import { useLoad } from '../use-load.js';
import { SecretOnce } from './secret-once.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;
/** README: Alerts. Percent types take 1–100, absolute ones dollars. */
const alertTypes: Record<string, string> = {
  'key.budget.exceeded_percent': 'An API key reaches a share of its monthly limit (%)',
  'key.budget.exceeded_absolute': 'An API key spends this much in a month (USD)',
  'group.budget.exceeded_percent': "A group reaches a share of its monthly limit (%)",
  'user.budget.exceeded_absolute': 'A user spends this much in a month (USD)',
  'org.budget.exceeded_percent': "The organisation reaches a share of its monthly limit (%)",
  'org.balance.below_absolute': 'The prepaid balance drops below (USD)',
};

/** Webhooks (with a test send and their last delivery) and the spend alerts they receive. */
export function AlertsPage() {
  return html`<h1>Alerts & webhooks</h1>
    <p class="lead">Every alert is sent to every webhook, signed, retried, and kept as a dead letter if it cannot be delivered.</p>
    <${Webhooks} />
    <${Alerts} />`;
}

function deliveryText(delivery: Delivery | null | undefined): string {
  if (!delivery) return 'nothing sent yet';
  const answer = delivery.response_status ? `HTTP ${delivery.response_status}` : delivery.error ?? '';
  return `${delivery.status} ${delivery.event_type} ${answer ? `(${answer}) ` : ''}at ${dateTime(delivery.at)}`;
}

function Webhooks() {
  const webhooks = useLoad(() => api<{ data: Webhook[] }>('GET', '/webhook'));
  const [url, setUrl] = useState('');
  const [type, setType] = useState<'json' | 'slack'>('json');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<Webhook | undefined>();
  const [outcomes, setOutcomes] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const actions = useSubmit();
  async function create(event: Event) {
    event.preventDefault();
    const ok = await submit.run(async () => {
      setCreated(await api<Webhook>('POST', '/webhook', { url: url.trim(), type, ...(description.trim() ? { description: description.trim() } : {}) }));
      webhooks.reload();
    });
    if (ok) (setUrl(''), setDescription(''));
  }
  const act = (webhook: Webhook, what: 'test' | 'replay' | 'delete') => () =>
    void actions.run(async () => {
      const path = `/webhook/${encodeURIComponent(webhook.id)}`;
      if (what === 'delete') await api('DELETE', path);
      if (what === 'test') {
        const outcome = await api<Delivery>('POST', `${path}/test`);
        const answer = outcome.response_status ? `HTTP ${outcome.response_status}` : outcome.error ?? '';
        setOutcomes({ ...outcomes, [webhook.id]: `Test ${outcome.status}${answer ? ` (${answer})` : ''}` });
      }
      if (what === 'replay') {
        const result = await api<{ replayed: number; failed: number }>('POST', `${path}/replay`);
        setOutcomes({ ...outcomes, [webhook.id]: `Replayed ${result.replayed} dead letters, ${result.failed} failed` });
      }
      webhooks.reload();
    });
  return html`${created?.secret
      ? html`<${SecretOnce} title="Webhook created" secret=${created.secret} what="signing secret" onDone=${() => setCreated(undefined)} />`
      : null}
    <${Card} title="Webhooks">
      <form onSubmit=${create} class="grid-form">
        <${Field} label="Webhook URL" hint="HTTPS; a Slack incoming webhook for type Slack." error=${submit.error?.param === 'url' ? submit.error.message : undefined}>
          ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="url" required value=${url} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setUrl(value(event))} />`}
        <//>
        <${Field} label="Payload type">
          ${({ id }: Input) => html`<select id=${id} value=${type} onChange=${(event: Event) => setType(value(event) as 'json' | 'slack')}>
            <option value="json">JSON (Requesty's payloads)</option><option value="slack">Slack message</option>
          </select>`}
        <//>
        <${Field} label="Description">
          ${({ id }: Input) => html`<input id=${id} value=${description} onInput=${(event: Event) => setDescription(value(event))} />`}
        <//>
        <div class="actions"><button type="submit" disabled=${submit.busy}>Add webhook</button></div>
        ${submit.error && submit.error.param !== 'url' ? html`<${ErrorMessage} error=${submit.error.message} />` : null}
      </form>
      <${ErrorMessage} error=${webhooks.error ?? actions.error?.message} />
      ${webhooks.data && webhooks.data.data.length > 0
        ? html`<${TableWrap} label="Webhooks">
            <table data-testid="webhooks">
              <thead><tr><th scope="col">URL</th><th scope="col">Type</th><th scope="col">Last delivery</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                ${webhooks.data.data.map(
                  (webhook) => html`<tr>
                    <th scope="row">${webhook.url}${webhook.description ? html`<br /><small>${webhook.description}</small>` : null}</th>
                    <td>${webhook.type}</td>
                    <td>${deliveryText(webhook.last_delivery)}${outcomes[webhook.id] ? html`<br /><strong role="status">${outcomes[webhook.id]}</strong>` : null}</td>
                    <td class="row-actions">
                      <button type="button" class="secondary" disabled=${actions.busy} onClick=${act(webhook, 'test')}>Send test<span class="visually-hidden"> to ${webhook.url}</span></button>
                      <button type="button" class="secondary" disabled=${actions.busy} onClick=${act(webhook, 'replay')}>Replay dead letters<span class="visually-hidden"> of ${webhook.url}</span></button>
                      <button type="button" class="danger" disabled=${actions.busy} onClick=${act(webhook, 'delete')}>Delete<span class="visually-hidden"> ${webhook.url}</span></button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          <//>`
        : webhooks.data
          ? html`<p class="empty">No webhooks yet.</p>`
          : null}
    <//>`;
}

function Alerts() {
  const alerts = useLoad(() => api<{ data: Alert[] }>('GET', '/alert'));
  const [type, setType] = useState('key.budget.exceeded_percent');
  const [threshold, setThreshold] = useState('');
  const [keyId, setKeyId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [description, setDescription] = useState('');
  const submit = useSubmit();
  const removal = useSubmit();
  const errorFor = (param: string) => (submit.error?.param === param ? submit.error.message : undefined);
  async function create(event: Event) {
    event.preventDefault();
    const ok = await submit.run(async () => {
      await api('POST', '/alert', {
        type,
        threshold: threshold.trim(),
        ...(keyId.trim() ? { key_id: keyId.trim() } : {}),
        ...(groupId.trim() ? { group_id: groupId.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      alerts.reload();
      return 'Alert created.';
    });
    if (ok) (setThreshold(''), setDescription(''));
  }
  return html`<${Card} title="Alerts">
    <form onSubmit=${create} class="grid-form">
      <${Field} label="When" error=${errorFor('type')}>
        ${({ id, describedBy }: Input) => html`<select id=${id} value=${type} aria-describedby=${describedBy} onChange=${(event: Event) => setType(value(event))}>
          ${Object.entries(alertTypes).map(([option, label]) => html`<option value=${option}>${label}</option>`)}
        </select>`}
      <//>
      <${Field} label="Threshold" hint=${type.endsWith('percent') ? 'Percent, 1–100.' : 'US dollars.'} error=${errorFor('threshold')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} required inputmode="decimal" value=${threshold} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setThreshold(value(event))} />`}
      <//>
      <${Field} label="Only for API key (id)" hint="Empty: every key." error=${errorFor('key_id')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${keyId} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setKeyId(value(event))} />`}
      <//>
      <${Field} label="Only for group (id)" hint="Empty: every group." error=${errorFor('group_id')}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${groupId} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setGroupId(value(event))} />`}
      <//>
      <${Field} label="Alert description">
        ${({ id }: Input) => html`<input id=${id} value=${description} onInput=${(event: Event) => setDescription(value(event))} />`}
      <//>
      <div class="actions"><button type="submit" disabled=${submit.busy}>Add alert</button></div>
      ${submit.error && !['type', 'threshold', 'key_id', 'group_id'].includes(submit.error.param ?? '') ? html`<${ErrorMessage} error=${submit.error.message} />` : null}
      <${Status} text=${submit.status} />
    </form>
    <${ErrorMessage} error=${alerts.error ?? removal.error?.message} />
    ${alerts.data && alerts.data.data.length > 0
      ? html`<${TableWrap} label="Alerts">
          <table>
            <thead><tr><th scope="col">When</th><th scope="col">Threshold</th><th scope="col">Scope</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${alerts.data.data.map(
                (alert) => html`<tr>
                  <th scope="row">${alertTypes[alert.type] ?? alert.type}${alert.description ? html`<br /><small>${alert.description}</small>` : null}</th>
                  <td>${String(alert.threshold)}</td>
                  <td>${[alert.key_id ? `key ${alert.key_id}` : '', alert.group_id ? `group ${alert.group_id}` : ''].filter(Boolean).join(', ') || 'all'}</td>
                  <td><button type="button" class="danger" onClick=${() => void removal.run(async () => (await api('DELETE', `/alert/${encodeURIComponent(alert.id)}`), alerts.reload()))}>Delete<span class="visually-hidden"> alert ${alert.id}</span></button></td>
                </tr>`,
              )}
            </tbody>
          </table>
        <//>`
      : alerts.data
        ? html`<p class="empty">No alerts yet.</p>`
        : null}
  <//>`;
}
