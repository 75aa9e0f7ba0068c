import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, messageOf } from './api.js';
import { session } from './session.js';
import { Field } from './ui.js';

/** Asks for a management key and checks it against the API before keeping it for this tab. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string | undefined }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    session.signIn(key.trim());
    try {
      await api('GET', '/org');
      setKey('');
      onSignedIn();
    } catch (caught) {
      session.signOut();
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }
  return html`<main class="sign-in" id="main">
    <h1>Switchboard console</h1>
    <form onSubmit=${submit} class="card">
      <h2>Sign in</h2>
      ${notice ? html`<p class="status" role="status">${notice}</p>` : null}
      <${Field}
        label="Management key"
        hint="Paste a management key (npm start prints one; deployed: npm run create-key -- --management). It stays in this tab only."
        error=${error}
      >
        ${({ id, describedBy, invalid }: { id: string; describedBy?: string; invalid: boolean }) => html`<input
          id=${id}
          type="password"
          autocomplete="off"
          spellcheck=${false}
          required
          value=${key}
          aria-describedby=${describedBy}
          aria-invalid=${invalid}
          onInput=${(event: Event) => setKey((event.target as HTMLInputElement).value)}
        />`}
      <//>
      <button type="submit" disabled=${busy || key.trim() === ''}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}
