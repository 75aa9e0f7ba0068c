import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, messageOf } from './api.js';

let nextId = 0;
/** A stable id for label/description wiring. */
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

interface FieldProps {
  label: string;
  /** Shown under the field and announced with it. */
  hint?: string;
  error?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren;
}

/** A labelled form control with its hint and its error, tied to it for screen readers. */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId('field');
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return html`<div class=${error ? 'field invalid' : 'field'}>
    <label for=${id}>${label}</label>
    ${children({ id, describedBy, invalid: Boolean(error) })}
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${error ? html`<p class="error" id=${`${id}-error`}>${error}</p>` : null}
  </div>`;
}

export function ErrorMessage({ error }: { error: string | undefined }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

export function Status({ text }: { text: string | undefined }) {
  return html`<p class="status" role="status" aria-live="polite">${text ?? ''}</p>`;
}

export function Card({ title, children, headingLevel = 2 }: { title: string; children: ComponentChildren; headingLevel?: 2 | 3 }) {
  const id = useId('card');
  return html`<section class="card" aria-labelledby=${id}>
    ${headingLevel === 2 ? html`<h2 id=${id}>${title}</h2>` : html`<h3 id=${id}>${title}</h3>`}
    ${children}
  </section>`;
}

/** A form's submit state: the running action's error (with the field it names) and a status line. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; param?: string | null } | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  async function run(action: () => Promise<string | void>): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const done = await action();
      if (done) setStatus(done);
      return true;
    } catch (caught) {
      setError({ message: messageOf(caught), param: caught instanceof ApiError ? caught.param : undefined });
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, status, run, setError };
}

/** Lets the value scroll sideways on narrow screens instead of widening the page. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return html`<div class="table-wrap" role="region" aria-label=${label} tabindex="0">${children}</div>`;
}
