import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { chromiumPath, launchChromium } from '../support/browser.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway, testAdminKey } from '../support/test-gateway.js';

// A busy two-core machine: every wait is for a condition, with room to spare.
const waitMs = 60_000;
let gateway: LocalGateway;
let browser: Browser;

// Summer and winter instants (New York's offset differs), one whose local day is not its UTC day,
// and one with seconds and milliseconds, which the input must keep for an unchanged save to be a no-op.
const summer = '2099-07-15T18:45:00.000Z';
const winter = '2099-01-15T03:20:30.250Z';
const zones = [
  { timezoneId: 'America/New_York', shown: { [summer]: '2099-07-15T14:45', [winter]: '2099-01-14T22:20:30.25' } },
  { timezoneId: 'Asia/Kolkata', shown: { [summer]: '2099-07-16T00:15', [winter]: '2099-01-15T08:50:30.25' } },
];

// Skipped only on a developer machine without Chromium; in CI (.ci/run installs it) it always runs.
describe.skipIf(!chromiumPath && !process.env.CI)("the web console's key expiry, in the browser's time zone", () => {
  beforeAll(async () => {
    gateway = await startTestGateway();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  const signedIn = async (timezoneId: string): Promise<Page> => {
    const context = await browser.newContext({ timezoneId });
    context.setDefaultTimeout(waitMs);
    const page = await context.newPage();
    await page.goto(gateway.url);
    await page.getByLabel('Management key').fill(testAdminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    return page;
  };

  for (const { timezoneId, shown } of zones) {
    it(`in ${timezoneId}, shows a key's expiry in local time and leaves it as it was when saved unchanged`, async () => {
      const manage = manageClient(gateway.url);
      const page = await signedIn(timezoneId);
      for (const [expiresAt, local] of Object.entries(shown)) {
        const name = `expiry-${timezoneId}-${expiresAt}`;
        const created = await manage('POST', '/apikey', { name, expires_at: expiresAt });
        const id = created.json.id as string;
        await page.goto(`${gateway.url}/console/#/keys/${encodeURIComponent(id)}`);
        await page.getByRole('heading', { level: 1, name: `Key: ${name}` }).waitFor();
        expect(await page.getByLabel('Expires (your local time)').inputValue()).toBe(local);
        await page.getByRole('button', { name: 'Save expiry' }).click();
        await page.getByText('Expiry saved.').waitFor();
        expect((await manage('GET', `/apikey/${id}`)).json.expires_at).toBe(expiresAt);
      }
      await page.context().close();
    }, 120_000);
  }

  it('in America/New_York, creates a key expiring at the local time typed', async () => {
    const manage = manageClient(gateway.url);
    const page = await signedIn('America/New_York');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('expiry-typed');
    await page.getByLabel('Expires (your local time)').fill('2099-07-15T14:45');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('secret-value').waitFor();
    const keys = (await manage('GET', '/apikey')).json.data as { name: string; expires_at: string | null }[];
    expect(keys.find((key) => key.name === 'expiry-typed')?.expires_at).toBe(summer);
    await page.context().close();
  }, 120_000);
});
