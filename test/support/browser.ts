import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** Debian's `chromium` (`.ci/run` installs it), or CHROMIUM_PATH. */
export const chromiumPath = candidates.find((path): path is string => Boolean(path && existsSync(path)));

/** Where browser tests leave screenshots and downloads (gitignored; CI keeps it as an artefact). */
export const artefactDir = join(process.cwd(), 'test-artifacts', 'console');

export async function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error('No Chromium: apt-get install -y chromium, or set CHROMIUM_PATH.');
  mkdirSync(artefactDir, { recursive: true });
  // Chromium's sandbox needs user namespaces that containers and root shells rarely give.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'], timeout: 60_000 });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2.1 A/AA rules over the page as it is now; the violations of `serious` or
 * `critical` impact. Evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })`,
  )) as { violations: AxeViolation[] };
  return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
