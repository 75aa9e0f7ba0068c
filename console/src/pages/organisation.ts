import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime, dollars, dollarsOrNull } from '../format.js';
import type { Organisation } from '../types.js';
import { Card, ErrorMessage, Field, Status, useSubmit } from '../ui.js';
import { useLoad } from '../use-load.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;
const numberText = (amount: number | null) => (amount === null ? '' : String(amount));

/** The organisation's name, limits and prepaid balance, and the models every key may call. */
export function OrganisationPage() {
  const org = useLoad(() => api<Organisation>('GET', '/org'));
  return html`<h1>Organisation</h1>
    <${ErrorMessage} error=${org.error} />
    ${org.data ? html`<${OrganisationForms} org=${org.data} onChanged=${org.reload} />` : null}`;
}

function OrganisationForms({ org, onChanged }: { org: Organisation; onChanged: () => void }) {
  const [name, setName] = useState(org.name ?? '');
  const [limit, setLimit] = useState(numberText(org.monthly_limit));
  const [defaultLimit, setDefaultLimit] = useState(numberText(org.default_key_limit));
  const [balance, setBalance] = useState('');
  const [everyModel, setEveryModel] = useState(org.approved_models === null);
  const [models, setModels] = useState((org.approved_models ?? []).join('\n'));
  const settings = useSubmit();
  const approved = useSubmit();
  const errorFor = (param: string) => (settings.error?.param === param ? settings.error.message : undefined);
  function save(event: Event) {
    event.preventDefault();
    void settings.run(async () => {
      await api('POST', '/org', {
        ...(name.trim() ? { name: name.trim() } : {}),
        monthly_limit: dollarsOrNull(limit),
        default_key_limit: dollarsOrNull(defaultLimit),
        ...(balance.trim() === '' ? {} : { balance: dollarsOrNull(balance) }),
      });
      setBalance('');
      onChanged();
      return 'Organisation saved.';
    });
  }
  function saveModels(event: Event) {
    event.preventDefault();
    void approved.run(async () => {
      await api('POST', '/org/approved-models', { models: everyModel ? null : models.split(/\s+/).filter(Boolean) });
      onChanged();
      return 'Approved models saved.';
    });
  }
  return html`<dl class="facts">
      <dt>Spend this month</dt><dd>${dollars(org.spend)} (${dateTime(org.period_start)} to ${dateTime(org.period_end)})</dd>
      <dt>Spend since the start</dt><dd>${dollars(org.total_spend)}</dd>
      <dt>Prepaid balance</dt><dd>${org.balance === null ? 'none (no prepaid budget)' : dollars(org.balance)}</dd>
    </dl>
    <div class="tiles">
      <${Card} title="Settings">
        <form onSubmit=${save}>
          <${Field} label="Organisation name" error=${errorFor('name')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} value=${name} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setName(value(event))} />`}
          <//>
          <${Field} label="Monthly limit (USD)" hint="Empty: no limit." error=${errorFor('monthly_limit')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" step="0.01" value=${limit} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setLimit(value(event))} />`}
          <//>
          <${Field} label="Default limit of new keys (USD)" hint="Empty: new keys get no limit." error=${errorFor('default_key_limit')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" step="0.01" value=${defaultLimit} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setDefaultLimit(value(event))} />`}
          <//>
          <${Field} label="Set the prepaid balance to (USD)" hint="Empty: leave the balance as it is." error=${errorFor('balance')}>
            ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" step="0.01" value=${balance} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setBalance(value(event))} />`}
          <//>
          <button type="submit" disabled=${settings.busy}>Save settings</button>
          ${settings.error && !settings.error.param ? html`<${ErrorMessage} error=${settings.error.message} />` : null}
          <${Status} text=${settings.status} />
        </form>
      <//>
      <${Card} title="Approved models">
        <form onSubmit=${saveModels}>
          <label class="check"><input type="checkbox" checked=${everyModel} onChange=${(event: Event) => setEveryModel((event.target as HTMLInputElement).checked)} /> Every model may be called</label>
          <${Field} label="Approved models" hint="One per line: provider/model or provider/*. Groups may approve more for their keys." error=${approved.error?.message}>
            ${({ id, describedBy, invalid }: Input) => html`<textarea id=${id} rows="6" disabled=${everyModel} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setModels(value(event))}>${models}</textarea>`}
          <//>
          <button type="submit" disabled=${approved.busy}>Save approved models</button>
          <${Status} text=${approved.status} />
        </form>
      <//>
    </div>`;
}
