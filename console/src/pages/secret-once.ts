import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A secret the API returns only in the answer that created it: shown here once, with a copy
 * button, and gone when dismissed (it is kept nowhere else in the console).
 */
export function SecretOnce({ title, secret, what, onDone }: { title: string; secret: string; what: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the text and copy it.');
    }
  }
  return html`<section class="card secret" aria-labelledby="secret-title" data-testid="secret-once">
    <h2 id="secret-title" tabindex="-1" ref=${heading}>${title}</h2>
    <p><strong>Copy this ${what} now: it is shown only this once.</strong> Only a hash of it is kept.</p>
    <p><code class="secret-value" data-testid="secret-value">${secret}</code></p>
    <div class="actions">
      <button type="button" onClick=${copy}>Copy</button>
      <button type="button" class="secondary" onClick=${onDone}>I have saved it</button>
    </div>
    <p class="status" role="status" aria-live="polite">${copied ?? ''}</p>
  </section>`;
}
