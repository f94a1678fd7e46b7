// Accessibility in the browser tests: axe-core (the bundled axe.min.js, no
// network) injected into a playwright page, run against WCAG 2.x A and AA, and
// a failure for every serious or critical violation. Colour contrast is one of
// them: text must reach 4.5:1 (3:1 when large) against what is behind it, which
// is what a volunteer squinting at a phone in a bright hall needs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** axe-core's own build, read once from node_modules. */
function axeScript(): string {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string; html: string }[];
}

/** The rules run: WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices that have a serious impact. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Serious and critical violations on the page as it is now (after any animation has finished). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Strings, evaluated in the page: this file is type-checked without the DOM's types.
  const loaded = await page.evaluate("typeof window.axe !== 'undefined'");
  // Evaluated through the DevTools protocol, which the pages' CSP (script-src 'self') does not govern, unlike a
  // <script> tag; the page's own policy stays as it is in production.
  if (!loaded) await page.evaluate(axeScript());
  const violations = await page.evaluate<AxeViolation[]>(`
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, resultTypes: ['violations'] })
      .then((result) =>
        result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary, html: n.html.slice(0, 200) })),
        })),
      )
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable list of violations for a test failure: rule, what it means, where. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `  at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ') ?? ''}\n    ${n.html}`)
          .join('\n'),
    )
    .join('\n');
}

/**
 * Fails (throws) when the page as shown has a serious or critical violation.
 * `where` names the page, its size and language in the message.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Transitions (e.g. the result screen fading in) would be measured half-way.
  // (Finite ones only: a looping « live » pulse has no end.)
  await page.evaluate(`
    document.getAnimations().forEach((a) => {
      const end = a.effect ? a.effect.getComputedTiming().endTime : Infinity;
      if (Number.isFinite(end)) a.finish();
    })
  `);
  const violations = await axeViolations(page);
  if (violations.length > 0) {
    throw new Error(`Accessibility (axe) on ${where}:\n${describeViolations(violations)}`);
  }
}
