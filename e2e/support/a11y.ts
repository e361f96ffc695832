// Runs axe-core in a page and reports its serious and critical violations as readable lines.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer';

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * "impact rule: help — selectors" for each serious or critical violation on the page as it is now, or only within
 * the element matching `within`.
 */
export async function seriousViolations(page: Page, within?: string): Promise<string[]> {
  // Evaluated rather than added as a <script> tag: the extension's CSP refuses inline scripts, and evaluation through
  // the DevTools protocol is not subject to it.
  await page.evaluate(await axeSource);
  const results = await page.evaluate(
    (selector) =>
      (globalThis as unknown as { axe: { run: (context: Document | string) => Promise<AxeResults> } }).axe.run(
        selector ?? document,
      ),
    within,
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
