import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { count } from '../format.js';
import type { Model } from '../types.js';
import { Card, ErrorMessage, Field, TableWrap } from '../ui.js';
import { useLoad } from '../use-load.js';

type Input = { id: string; describedBy?: string; invalid: boolean };
const value = (event: Event) => (event.target as HTMLInputElement).value;
const capabilities = ['tools', 'vision', 'reasoning', 'caching', 'structured_output'] as const;
const pageSize = 100;
const price = (dollars: number | undefined) => (dollars === undefined ? '—' : `$${dollars}`);

/** The model catalog with prices per million tokens, filtered by the API's own filters. */
export function ModelsPage() {
  const [provider, setProvider] = useState('');
  const [type, setType] = useState('');
  const [region, setRegion] = useState('');
  const [wanted, setWanted] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [shown, setShown] = useState(pageSize);
  const query = new URLSearchParams({
    ...(provider ? { provider } : {}),
    ...(type ? { type } : {}),
    ...(region.trim() ? { region: region.trim() } : {}),
    ...(wanted.length ? { capability: wanted.join(',') } : {}),
  }).toString();
  const all = useLoad(() => api<{ data: Model[] }>('GET', '/models'));
  const models = useLoad(() => api<{ data: Model[] }>('GET', `/models${query ? `?${query}` : ''}`), [query]);
  const providers = useMemo(() => [...new Set((all.data?.data ?? []).map((model) => model.id.slice(0, model.id.indexOf('/'))))].sort(), [all.data]);
  const matching = (models.data?.data ?? []).filter((model) => model.id.toLowerCase().includes(search.trim().toLowerCase()));
  return html`<h1>Models</h1>
    <${Card} title="Filters">
      <form class="grid-form" onSubmit=${(event: Event) => event.preventDefault()}>
        <${Field} label="Provider">
          ${({ id }: Input) => html`<select id=${id} value=${provider} onChange=${(event: Event) => (setProvider(value(event)), setShown(pageSize))}>
            <option value="">Any provider</option>
            ${providers.map((name) => html`<option value=${name}>${name}</option>`)}
          </select>`}
        <//>
        <${Field} label="Type">
          ${({ id }: Input) => html`<select id=${id} value=${type} onChange=${(event: Event) => setType(value(event))}>
            <option value="">Chat and embedding</option><option value="chat">Chat</option><option value="embedding">Embedding</option>
          </select>`}
        <//>
        <${Field} label="Region" hint="eu, us, eu-central-1…">
          ${({ id, describedBy }: Input) => html`<input id=${id} value=${region} aria-describedby=${describedBy} onChange=${(event: Event) => setRegion(value(event))} />`}
        <//>
        <${Field} label="Name contains">
          ${({ id }: Input) => html`<input id=${id} type="search" value=${search} onInput=${(event: Event) => setSearch(value(event))} />`}
        <//>
        <fieldset class="inline">
          <legend>Capabilities (all of)</legend>
          ${capabilities.map(
            (name) => html`<label><input type="checkbox" checked=${wanted.includes(name)}
              onChange=${(event: Event) => setWanted((event.target as HTMLInputElement).checked ? [...wanted, name] : wanted.filter((other) => other !== name))} /> ${name.replace('_', ' ')}</label>`,
          )}
        </fieldset>
      </form>
    <//>
    <${Card} title=${`${count(matching.length)} models`}>
      <${ErrorMessage} error=${models.error} />
      <${TableWrap} label="Model catalog">
        <table data-testid="models">
          <thead><tr>
            <th scope="col">Model</th><th scope="col">Type</th><th scope="col">Context</th>
            <th scope="col">Input $/M</th><th scope="col">Output $/M</th><th scope="col">Cache read $/M</th>
            <th scope="col">Capabilities</th><th scope="col">Regions</th>
          </tr></thead>
          <tbody>
            ${matching.slice(0, shown).map(
              (model) => html`<tr>
                <th scope="row"><code>${model.id}</code></th>
                <td>${model.type}</td>
                <td>${count(model.context_window)}</td>
                <td>${price(model.pricing?.input)}</td>
                <td>${price(model.pricing?.output)}</td>
                <td>${price(model.pricing?.cache_read)}</td>
                <td>${capabilities.filter((name) => model.capabilities[name]).join(', ') || '—'}</td>
                <td>${model.regions.join(', ') || '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      <//>
      ${matching.length > shown ? html`<button type="button" class="secondary" onClick=${() => setShown(shown + pageSize)}>Show ${pageSize} more</button>` : null}
    <//>`;
}
