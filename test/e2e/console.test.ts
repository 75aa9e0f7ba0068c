import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { artefactDir, chromiumPath, launchChromium, seriousAccessibilityViolations } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testAdminKey } from '../support/test-gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// A busy two-core machine: every wait is for a condition, with room to spare.
const waitMs = 60_000;
const upstream = new MockOpenAIUpstream();
const receiver = new WebhookReceiver();
let gateway: LocalGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleMessages: string[] = [];

// Skipped only on a developer machine without Chromium; in CI (.ci/run installs it) it always runs.
describe.skipIf(!chromiumPath && !process.env.CI)('the web console in headless Chromium', () => {
  beforeAll(async () => {
    gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_KEY_CACHE_TTL_MS: '100', SWITCHBOARD_POLICY_CACHE_TTL_MS: '100' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url });
    context.setDefaultTimeout(waitMs);
    page = await context.newPage();
    page.on('console', (message) => consoleMessages.push(message.text()));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream.stop();
    await receiver.stop();
  });

  const open = async (link: string, heading: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const shot = (name: string) => page.screenshot({ path: join(artefactDir, `${name}.png`), fullPage: true });

  it('signs in with a management key, creates a key shown once, sets its limit, creates a policy, and charts the traffic', async () => {
    const answer = await page.goto(gateway.url);
    expect(page.url()).toBe(`${gateway.url}/console/`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Management key').fill(testAdminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);

    // A key: its secret shown once, copied, and gone once dismissed.
    await open('API keys', 'API keys');
    await page.getByLabel('Name', { exact: true }).fill('console-e2e');
    await page.getByLabel('Monthly limit (USD)').fill('5');
    await page.getByLabel('Labels').fill('team=search');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^sk-|^sb-|^[A-Za-z0-9_-]{20,}/);
    await shot('key-created');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByTestId('secret-once').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);

    // Its limit, from its own page.
    await page.getByRole('link', { name: 'console-e2e' }).click();
    await page.getByRole('heading', { level: 1, name: 'Key: console-e2e' }).waitFor();
    await page.getByLabel('Monthly limit (USD)').fill('12.5');
    await page.getByRole('button', { name: 'Save limit' }).click();
    await page.getByText('Limit saved.').waitFor();
    await page.getByTestId('key-limit').getByText('$12.50').waitFor();
    const manage = manageClient(gateway.url);
    const keys = await manage('GET', '/apikey');
    const created = (keys.json.data as { id: string; name: string; monthly_limit: number; labels: object }[]).find((key) => key.name === 'console-e2e');
    expect(created).toMatchObject({ monthly_limit: 12.5, labels: { team: 'search' } });

    // A load-balancing policy: refused inline in the browser, then by the API at the field, then saved.
    await open('Policies', 'Policies');
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.getByLabel('Name', { exact: true }).fill('console-split');
    await page.getByLabel('Type').selectOption('load_balancing');
    await page.getByLabel('Model 1', { exact: true }).fill('openai/gpt-4o-mini');
    await page.getByLabel('Weight of model 1 (%)').fill('60');
    await page.getByRole('button', { name: 'Add a model' }).click();
    await page.getByLabel('Model 2', { exact: true }).fill('openai/gpt-4o');
    await page.getByLabel('Weight of model 2 (%)').fill('30');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByText('Weights must sum to 100 (now 90).').waitFor();
    await page.getByLabel('Weight of model 2 (%)').fill('40');
    await page.getByLabel('Model 2', { exact: true }).fill('nowhere/model');
    await page.getByRole('button', { name: 'Create policy' }).click();
    const refused = page.locator('form .error').first();
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/nowhere/);
    await shot('policy-refused');
    await page.getByLabel('Model 2', { exact: true }).fill('openai/gpt-4o');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('cell', { name: 'policy/console-split' }).or(page.getByRole('rowheader', { name: 'policy/console-split' })).waitFor();
    expect((await manage('GET', '/policy/console-split')).json).toMatchObject({ type: 'load_balancing', models: [{ weight: 60 }, { weight: 40 }] });

    // Traffic through the official client with the key just created, then seen in the charts.
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const sent = 6;
    for (let index = 0; index < sent; index += 1) {
      const model = index % 2 === 0 ? 'policy/console-split' : 'openai/gpt-4o-mini';
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: `Hello ${index}` }] });
    }
    await open('Overview', 'Overview');
    await eventually(async () => {
      await page.reload();
      const total = await page.getByTestId('requests-total').textContent();
      return Number(total?.replace(/\D/g, '')) >= sent ? true : undefined;
    }, 'the overview to count the requests');
    await page.locator('figure.chart canvas').first().waitFor();
    await page.getByTestId('top-models').getByText('openai/gpt-4o-mini').waitFor();
    await shot('overview');

    await open('API keys', 'API keys');
    await page.getByRole('link', { name: 'console-e2e' }).click();
    await page.getByTestId('key-usage').locator('canvas').first().waitFor();
    expect(Number((await page.getByTestId('key-spend').textContent())?.replace(/[^0-9.]/g, ''))).toBeGreaterThan(0);
    await shot('key');

    // The explorer and its CSV.
    await open('Analytics', 'Analytics');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByTestId('analytics-results').getByText('openai/gpt-4o-mini').first().waitFor();
    await page.locator('figure.chart canvas').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csvPath = join(artefactDir, 'analytics.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/period.*model.*requests.*cost/);
    expect(csv).toContain('openai/gpt-4o-mini');
    await shot('analytics');

    // A webhook with a test send, and an alert.
    await open('Alerts & webhooks', 'Alerts & webhooks');
    const hookUrl = `${await receiver.start()}/hook`;
    await page.getByLabel('Webhook URL').fill(hookUrl);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    expect(await page.getByTestId('secret-value').textContent()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByRole('button', { name: `Send test to ${hookUrl}` }).click();
    await page.getByText('Test delivered (HTTP 200)').waitFor();
    expect(receiver.on('/hook').length).toBeGreaterThanOrEqual(1);
    await page.getByTestId('webhooks').getByText(/delivered webhook\.test/).waitFor();
    await page.getByLabel('Threshold').fill('80');
    await page.getByRole('button', { name: 'Add alert' }).click();
    await page.getByText('Alert created.').waitFor();
    await shot('alerts');

    // The catalog, filtered by the API.
    await open('Models', 'Models');
    await page.getByLabel('Provider').selectOption('openai');
    await page.getByLabel('Name contains').fill('gpt-4o-mini');
    await page.getByTestId('models').getByText('openai/gpt-4o-mini', { exact: true }).waitFor();
    await shot('models');

    // The key never left the session: not in a URL, not in the console log.
    expect(page.url()).not.toContain(testAdminKey);
    expect(consoleMessages.join('\n')).not.toContain(testAdminKey);
    expect(consoleMessages.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  }, 300_000);

  it('has no serious accessibility violations on any page, and fits a 390 px wide phone', async () => {
    const pages: [string, string][] = [
      ['Overview', 'Overview'],
      ['API keys', 'API keys'],
      ['Groups', 'Groups'],
      ['Organisation', 'Organisation'],
      ['Policies', 'Policies'],
      ['Alerts & webhooks', 'Alerts & webhooks'],
      ['Models', 'Models'],
      ['Analytics', 'Analytics'],
    ];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [link, heading] of pages) {
        await open(link, heading);
        await page.waitForLoadState('networkidle');
        expect(await seriousAccessibilityViolations(page), `${heading} at ${width} px`).toEqual([]);
        // Wide tables scroll inside their own box; the page itself never scrolls sideways.
        expect(await page.evaluate('document.documentElement.scrollWidth'), `${heading} at ${width} px`).toBeLessThanOrEqual(width);
      }
      if (width === 390) {
        await open('Overview', 'Overview');
        await shot('overview-390');
      }
    }
    // Keyboard: from a fresh load, the skip link is the first stop, and moves focus into the page.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    // Signing out forgets the key.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Management key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  }, 300_000);
});
