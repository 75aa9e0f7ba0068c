import { html } from 'htm/preact';
import { api } from '../api.js';
import type { Group, Page } from '../types.js';
import { Field } from '../ui.js';
import { useLoad } from '../use-load.js';

/** A key's group, chosen from the organisation's groups ('' for none). */
export function GroupField({ value, error, onChange }: { value: string; error: string | undefined; onChange: (groupId: string) => void }) {
  const groups = useLoad(() => api<Page<Group>>('GET', '/group?limit=100'));
  return html`<${Field} label="Group" error=${error}>
    ${({ id, describedBy }: { id: string; describedBy?: string }) => html`<select id=${id} value=${value} aria-describedby=${describedBy}
      onChange=${(event: Event) => onChange((event.target as HTMLSelectElement).value)}>
      <option value="">No group</option>
      ${(groups.data?.data ?? []).map((group) => html`<option value=${group.id}>${group.name}</option>`)}
    </select>`}
  <//>`;
}
