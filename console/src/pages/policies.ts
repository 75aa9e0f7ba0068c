import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Page, Policy, PolicyModel } from '../types.js';
import { Card, ErrorMessage, Field, Status, TableWrap, useSubmit } from '../ui.js';
import { useLoad } from '../use-load.js';
import { ModelOptions } from './model-options.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
type PolicyType = Policy['type'];
const value = (event: Event) => (event.target as HTMLInputElement).value;
const typeNames: Record<PolicyType, string> = { fallback: 'Fallback', load_balancing: 'Load balancing', latency: 'Lowest latency' };
const typeHints: Record<PolicyType, string> = {
  fallback: 'Tries the models in order, each with its retries.',
  load_balancing: 'Picks a model by weight (weights sum to 100); a conversation stays on one model.',
  latency: 'Tries the model with the best recent latency first.',
};
interface Row {
  model: string;
  retries: string;
  weight: string;
}
const emptyRow: Row = { model: '', retries: '0', weight: '' };

/** Routing policies: fallback chains, weighted load balancing and latency routing. */
export function PoliciesPage() {
  const policies = useLoad(() => api<Page<Policy>>('GET', '/policy?limit=100'));
  const [editing, setEditing] = useState<Policy | 'new' | undefined>();
  return html`<h1>Policies</h1>
    <p class="lead">Call a policy with <code>${'model: "policy/<name>"'}</code>. Changes apply within seconds.</p>
    <div class="actions"><button type="button" onClick=${() => setEditing('new')}>New policy</button></div>
    ${editing
      ? html`<${PolicyEditor}
          key=${editing === 'new' ? 'new' : `${editing.api_key_id ?? ''}/${editing.name}`}
          policy=${editing === 'new' ? undefined : editing}
          onSaved=${() => (setEditing(undefined), policies.reload())}
          onCancel=${() => setEditing(undefined)}
        />`
      : null}
    <${Card} title="Policies">
      <${ErrorMessage} error=${policies.error} />
      ${policies.data && policies.data.data.length === 0 ? html`<p class="empty">No policies yet.</p>` : null}
      ${policies.data && policies.data.data.length > 0
        ? html`<${TableWrap} label="Policies">
            <table>
              <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Models</th><th scope="col">Scope</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                ${policies.data.data.map(
                  (policy) => html`<tr>
                    <th scope="row"><code>policy/${policy.name}</code></th>
                    <td>${typeNames[policy.type]}</td>
                    <td>${policy.models.map((entry) => entry.model + (entry.weight !== undefined ? ` (${entry.weight}%)` : entry.retries ? ` (${entry.retries} retries)` : '')).join(' → ')}</td>
                    <td>${policy.api_key_id ? html`key <code>${policy.api_key_id}</code>` : 'organisation'}</td>
                    <td><button type="button" class="secondary" onClick=${() => setEditing(policy)}>Edit<span class="visually-hidden"> ${policy.name}</span></button></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          <//>`
        : null}
    <//>`;
}

/** Checks what the API would refuse, so that errors show at the field before a round trip. */
export function policyProblems(name: string, type: PolicyType, rows: Row[]): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) problems.name = 'Use 1–64 letters, digits, _ or -.';
  if (rows.length === 0) problems.models = 'Add at least one model.';
  rows.forEach((row, index) => {
    if (!/^[!-~]{1,256}$/.test(row.model) || !row.model.includes('/')) problems[`models[${index}].model`] = 'Use provider/model or policy/<name>.';
    if (type === 'fallback') {
      const retries = Number(row.retries || 0);
      if (!Number.isInteger(retries) || retries < 0 || retries > 10) problems[`models[${index}].retries`] = 'Retries are 0–10.';
    }
    if (type === 'load_balancing' && !(Number(row.weight) > 0)) problems[`models[${index}].weight`] = 'A weight above 0.';
  });
  if (type === 'load_balancing' && rows.length > 0) {
    const total = rows.reduce((sum, row) => sum + Number(row.weight || 0), 0);
    if (Math.abs(total - 100) > 1e-9) problems.models = `Weights must sum to 100 (now ${total}).`;
  }
  return problems;
}

function documentOf(name: string, type: PolicyType, rows: Row[], apiKeyId: string): Policy {
  const models: PolicyModel[] = rows.map((row) => ({
    model: row.model.trim(),
    ...(type === 'fallback' && Number(row.retries) > 0 ? { retries: Number(row.retries) } : {}),
    ...(type === 'load_balancing' ? { weight: Number(row.weight) } : {}),
  }));
  return { name: name.trim(), type, models, ...(apiKeyId.trim() ? { api_key_id: apiKeyId.trim() } : {}) };
}

function PolicyEditor({ policy, onSaved, onCancel }: { policy: Policy | undefined; onSaved: () => void; onCancel: () => void }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [type, setType] = useState<PolicyType>(policy?.type ?? 'fallback');
  const [apiKeyId, setApiKeyId] = useState(policy?.api_key_id ?? '');
  const [rows, setRows] = useState<Row[]>(
    policy?.models.map((entry) => ({ model: entry.model, retries: String(entry.retries ?? 0), weight: entry.weight === undefined ? '' : String(entry.weight) })) ?? [{ ...emptyRow }],
  );
  const [shown, setShown] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const serverParam = submit.error?.param ?? undefined;
  const errorFor = (param: string) => shown[param] ?? (serverParam === param ? submit.error?.message : undefined);
  const placedElsewhere = serverParam !== undefined && /^(name|type|api_key_id|models(\[\d+\]\.(model|retries|weight))?)$/.test(serverParam);
  const update = (index: number, change: Partial<Row>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  const move = (index: number, by: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    if (row) next.splice(index + by, 0, row);
    setRows(next);
  };
  async function save(event: Event) {
    event.preventDefault();
    const problems = policyProblems(name, type, rows);
    setShown(problems);
    if (Object.keys(problems).length > 0) {
      submit.setError({ message: 'Fix the fields marked above.' });
      return;
    }
    const document = documentOf(name, type, rows, apiKeyId);
    const ok = await submit.run(() =>
      policy ? api('PUT', `/policy/${encodeURIComponent(policy.name)}`, document) : api('POST', '/policy', document),
    );
    if (ok) onSaved();
  }
  async function remove() {
    if (!policy) return;
    const query = policy.api_key_id ? `?api_key_id=${encodeURIComponent(policy.api_key_id)}` : '';
    if (await submit.run(() => api('DELETE', `/policy/${encodeURIComponent(policy.name)}${query}`))) onSaved();
  }
  return html`<${Card} title=${policy ? `Edit policy/${policy.name}` : 'New policy'}>
    <form onSubmit=${save} novalidate>
      <${ModelOptions} id="policy-models" />
      <div class="grid-form">
        <${Field} label="Name" hint="Letters, digits, _ and -." error=${errorFor('name')}>
          ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${name} disabled=${Boolean(policy)} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setName(value(event))} />`}
        <//>
        <${Field} label="Type" hint=${typeHints[type]} error=${errorFor('type')}>
          ${({ id, describedBy }: Input) => html`<select id=${id} value=${type} aria-describedby=${describedBy} onChange=${(event: Event) => setType(value(event) as PolicyType)}>
            ${Object.entries(typeNames).map(([option, label]) => html`<option value=${option}>${label}</option>`)}
          </select>`}
        <//>
        <${Field} label="Only for API key (id)" hint="Empty: the whole organisation." error=${errorFor('api_key_id')}>
          ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${apiKeyId} disabled=${Boolean(policy)} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setApiKeyId(value(event))} />`}
        <//>
      </div>
      <fieldset>
        <legend>Models${type === 'fallback' ? ', in the order they are tried' : ''}</legend>
        ${errorFor('models') ? html`<p class="error" role="alert">${errorFor('models')}</p>` : null}
        <ol class="policy-rows">
          ${rows.map(
            (row, index) => html`<li>
              <${Field} label=${`Model ${index + 1}`} error=${errorFor(`models[${index}].model`)}>
                ${({ id, describedBy, invalid }: Input) => html`<input id=${id} list="policy-models" value=${row.model} placeholder="openai/gpt-4o or policy/backup"
                  aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => update(index, { model: value(event) })} />`}
              <//>
              ${type === 'fallback'
                ? html`<${Field} label=${`Retries of model ${index + 1}`} error=${errorFor(`models[${index}].retries`)}>
                    ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" max="10" value=${row.retries}
                      aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => update(index, { retries: value(event) })} />`}
                  <//>`
                : null}
              ${type === 'load_balancing'
                ? html`<${Field} label=${`Weight of model ${index + 1} (%)`} error=${errorFor(`models[${index}].weight`)}>
                    ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" max="100" value=${row.weight}
                      aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => update(index, { weight: value(event) })} />`}
                  <//>`
                : null}
              <div class="row-actions">
                <button type="button" class="secondary" disabled=${index === 0} onClick=${() => move(index, -1)}>Up<span class="visually-hidden"> model ${index + 1}</span></button>
                <button type="button" class="secondary" disabled=${index === rows.length - 1} onClick=${() => move(index, 1)}>Down<span class="visually-hidden"> model ${index + 1}</span></button>
                <button type="button" class="secondary" onClick=${() => setRows(rows.filter((_, at) => at !== index))}>Remove<span class="visually-hidden"> model ${index + 1}</span></button>
              </div>
            </li>`,
          )}
        </ol>
        <button type="button" class="secondary" onClick=${() => setRows([...rows, { ...emptyRow }])}>Add a model</button>
      </fieldset>
      <div class="actions">
        <button type="submit" disabled=${submit.busy}>${policy ? 'Save policy' : 'Create policy'}</button>
        <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
        ${policy ? html`<button type="button" class="danger" onClick=${remove}>Delete policy</button>` : null}
      </div>
      ${submit.error && !placedElsewhere ? html`<${ErrorMessage} error=${submit.error.message} />` : null}
      <${Status} text=${submit.status} />
    </form>
  <//>`;
}
