import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { signedOutEvents } from './api.js';
import { AlertsPage } from './pages/alerts.js';
import { AnalyticsPage } from './pages/analytics.js';
import { GroupsPage } from './pages/groups.js';
import { KeyPage } from './pages/key.js';
import { KeysPage } from './pages/keys.js';
import { ModelsPage } from './pages/models.js';
import { OrganisationPage } from './pages/organisation.js';
import { OverviewPage } from './pages/overview.js';
import { PoliciesPage } from './pages/policies.js';
import { href, useRoute } from './route.js';
import { session } from './session.js';
import { SignIn } from './sign-in.js';

const pages = [
  { path: '', title: 'Overview', render: () => html`<${OverviewPage} />` },
  { path: 'keys', title: 'API keys', render: (id?: string) => (id ? html`<${KeyPage} id=${id} />` : html`<${KeysPage} />`) },
  { path: 'groups', title: 'Groups', render: () => html`<${GroupsPage} />` },
  { path: 'organisation', title: 'Organisation', render: () => html`<${OrganisationPage} />` },
  { path: 'policies', title: 'Policies', render: () => html`<${PoliciesPage} />` },
  { path: 'alerts', title: 'Alerts & webhooks', render: () => html`<${AlertsPage} />` },
  { path: 'models', title: 'Models', render: () => html`<${ModelsPage} />` },
  { path: 'analytics', title: 'Analytics', render: () => html`<${AnalyticsPage} />` },
];

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.key() !== null);
  const [notice, setNotice] = useState<string | undefined>();
  const [section = '', id] = useRoute();
  useEffect(() => {
    const expired = () => {
      setNotice('The management key was refused: sign in again.');
      setSignedIn(false);
    };
    signedOutEvents.addEventListener('signed-out', expired);
    return () => signedOutEvents.removeEventListener('signed-out', expired);
  }, []);
  const page = pages.find((candidate) => candidate.path === section) ?? pages[0];
  useEffect(() => {
    document.title = `${page?.title ?? 'Overview'} · Switchboard console`;
  }, [page]);
  if (!signedIn) return html`<${SignIn} notice=${notice} onSignedIn=${() => (setNotice(undefined), setSignedIn(true))} />`;
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(event: Event) => (event.preventDefault(), document.getElementById('main')?.focus())}>Skip to content</a>
    <header class="top">
      <span class="brand">Switchboard</span>
      <nav aria-label="Console">
        <ul>
          ${pages.map(
            (candidate) => html`<li>
              <a href=${href(...(candidate.path ? [candidate.path] : []))} aria-current=${candidate === page ? 'page' : undefined}>${candidate.title}</a>
            </li>`,
          )}
        </ul>
      </nav>
      <button type="button" class="secondary" onClick=${() => (session.signOut(), setSignedIn(false))}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">${page?.render(id)}</main>
  </div>`;
}
