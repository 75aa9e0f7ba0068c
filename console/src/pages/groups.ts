import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { dollars, dollarsOrNull } from '../format.js';
import type { Group, Page } from '../types.js';
import { Card, ErrorMessage, Field, Status, TableWrap, useSubmit } from '../ui.js';
import { useLoad } from '../use-load.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;

/** Groups: shared budgets and extra approved models for their keys, and their members. */
export function GroupsPage() {
  const groups = useLoad(() => api<Page<Group>>('GET', '/group?limit=100'));
  const [open, setOpen] = useState<string | undefined>();
  return html`<h1>Groups</h1>
    <${CreateGroup} onCreated=${groups.reload} />
    <${Card} title="Groups">
      <${ErrorMessage} error=${groups.error} />
      ${groups.data && groups.data.data.length === 0 ? html`<p class="empty">No groups yet.</p>` : null}
      ${groups.data && groups.data.data.length > 0
        ? html`<${TableWrap} label="Groups">
            <table>
              <thead><tr><th scope="col">Name</th><th scope="col">Spend this month</th><th scope="col">Monthly limit</th><th scope="col">Extra models</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                ${groups.data.data.map(
                  (group) => html`<tr>
                    <th scope="row">${group.name}${group.description ? html`<br /><small>${group.description}</small>` : null}</th>
                    <td>${dollars(group.spend)}</td>
                    <td>${group.monthly_limit === null ? 'none' : dollars(group.monthly_limit)}</td>
                    <td>${group.models.length ? group.models.join(', ') : '—'}</td>
                    <td><button type="button" class="secondary" aria-expanded=${open === group.id} onClick=${() => setOpen(open === group.id ? undefined : group.id)}>
                      ${open === group.id ? 'Close' : 'Manage'}<span class="visually-hidden"> ${group.name}</span>
                    </button></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          <//>`
        : null}
    <//>
    ${open ? html`<${GroupEditor} key=${open} id=${open} onChanged=${groups.reload} onDeleted=${() => (setOpen(undefined), groups.reload())} />` : null}`;
}

function CreateGroup({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const submit = useSubmit();
  async function create(event: Event) {
    event.preventDefault();
    const ok = await submit.run(async () => {
      await api('POST', '/group', { name: name.trim(), ...(limit.trim() === '' ? {} : { monthly_limit: dollarsOrNull(limit) }) });
      onCreated();
      return `Group "${name.trim()}" created.`;
    });
    if (ok) (setName(''), setLimit(''));
  }
  return html`<${Card} title="Create a group">
    <form onSubmit=${create} class="grid-form">
      <${Field} label="Group name" error=${submit.error?.param === 'name' ? submit.error.message : undefined}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} required value=${name} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setName(value(event))} />`}
      <//>
      <${Field} label="Monthly limit (USD)" hint="Empty: no limit." error=${submit.error?.param === 'monthly_limit' ? submit.error.message : undefined}>
        ${({ id, describedBy, invalid }: Input) => html`<input id=${id} type="number" min="0" step="0.01" value=${limit} aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(event: Event) => setLimit(value(event))} />`}
      <//>
      <div class="actions"><button type="submit" disabled=${submit.busy}>Create group</button></div>
      ${submit.error && !['name', 'monthly_limit'].includes(submit.error.param ?? '') ? html`<${ErrorMessage} error=${submit.error.message} />` : null}
      <${Status} text=${submit.status} />
    </form>
  <//>`;
}

function GroupEditor({ id, onChanged, onDeleted }: { id: string; onChanged: () => void; onDeleted: () => void }) {
  const path = `/group/${encodeURIComponent(id)}`;
  const group = useLoad(() => api<Group>('GET', path), [id]);
  const submit = useSubmit();
  const [limit, setLimit] = useState<string | undefined>();
  const [models, setModels] = useState<string | undefined>();
  const [member, setMember] = useState('');
  const [role, setRole] = useState('member');
  if (!group.data) return html`<${ErrorMessage} error=${group.error} />`;
  const data = group.data;
  const act = (done: string, action: () => Promise<unknown>) => (event?: Event) => {
    event?.preventDefault();
    void submit.run(async () => {
      await action();
      group.reload();
      onChanged();
      return done;
    });
  };
  const limitText = limit ?? (data.monthly_limit === null ? '' : String(data.monthly_limit));
  const modelsText = models ?? data.models.join('\n');
  return html`<${Card} title=${`Group: ${data.name}`}>
    <${Status} text=${submit.status} />
    <${ErrorMessage} error=${submit.error?.message} />
    <div class="tiles">
      <form onSubmit=${act('Limit saved.', () => api('POST', `${path}/limit`, { monthly_limit: dollarsOrNull(limitText) }))}>
        <${Field} label="Group monthly limit (USD)" hint="Empty: no limit.">
          ${({ id: inputId, describedBy }: Input) => html`<input id=${inputId} type="number" min="0" step="0.01" value=${limitText} aria-describedby=${describedBy} onInput=${(event: Event) => setLimit(value(event))} />`}
        <//>
        <button type="submit">Save limit</button>
      </form>
      <form onSubmit=${act('Models saved.', () => api('POST', `${path}/models`, { models: modelsText.split(/\s+/).filter(Boolean) }))}>
        <${Field} label="Extra approved models" hint="One per line: provider/model or provider/*.">
          ${({ id: inputId, describedBy }: Input) => html`<textarea id=${inputId} rows="3" aria-describedby=${describedBy} onInput=${(event: Event) => setModels(value(event))}>${modelsText}</textarea>`}
        <//>
        <button type="submit">Save models</button>
      </form>
    </div>
    <h3>Members</h3>
    ${(data.members ?? []).length === 0 ? html`<p class="empty">No members.</p>` : null}
    <ul class="plain">
      ${(data.members ?? []).map(
        (entry) => html`<li>${entry.user_id} (${entry.role})
          <button type="button" class="secondary" onClick=${act('Member removed.', () => api('DELETE', `${path}/member/${encodeURIComponent(entry.user_id)}`))}>
            Remove<span class="visually-hidden"> ${entry.user_id}</span>
          </button></li>`,
      )}
    </ul>
    <form class="grid-form" onSubmit=${act('Member added.', async () => (await api('POST', `${path}/member`, { user_id: member.trim(), role }), setMember('')))}>
      <${Field} label="User id" hint="An e-mail address or SSO id.">
        ${({ id: inputId, describedBy }: Input) => html`<input id=${inputId} required value=${member} aria-describedby=${describedBy} onInput=${(event: Event) => setMember(value(event))} />`}
      <//>
      <${Field} label="Role">
        ${({ id: inputId }: Input) => html`<select id=${inputId} value=${role} onChange=${(event: Event) => setRole(value(event))}>
          <option value="member">member</option><option value="admin">admin</option>
        </select>`}
      <//>
      <div class="actions"><button type="submit">Add member</button></div>
    </form>
    <div class="actions">
      <button type="button" class="danger" onClick=${() => void submit.run(async () => (await api('DELETE', path), onDeleted()))}>Delete group</button>
    </div>
  <//>`;
}
