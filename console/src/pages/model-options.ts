import { html } from 'htm/preact';
import { api } from '../api.js';
import type { Model } from '../types.js';
import { useLoad } from '../use-load.js';

/** The catalog's model ids as suggestions for a model field (`<input list=...>`). */
export function ModelOptions({ id }: { id: string }) {
  const models = useLoad(() => api<{ data: Model[] }>('GET', '/models?type=chat'));
  return html`<datalist id=${id}>${(models.data?.data ?? []).map((model) => html`<option value=${model.id}></option>`)}</datalist>`;
}
