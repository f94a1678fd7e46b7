/**
 * The charter's Markdown on hostile texts (issue 20): the parser's time, and
 * the former expressions' on the same texts (smaller: they take seconds).
 *   npx tsx bench/markdown.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { parseMarkdown } from '../libs/charter/src/markdown.js';
import { referenceMarkdown } from '../libs/charter/test/markdown-reference.js';

const time = (parse: (s: string) => unknown, text: string): number => {
  const start = performance.now();
  parse(text);
  return performance.now() - start;
};

const cases: [string, (n: number) => string, number, number][] = [
  ['« # Charte » + n spaces + "."', (n) => `# Charte${' '.repeat(n)}.`, 50_000, 1_500],
  ['`a _b` × n (5n characters)', (n) => 'a _b '.repeat(n), 20_000, 20_000],
  ['`*a ` × n', (n) => '*a '.repeat(n), 30_000, 4_000],
  ['`- ` × n + "x"', (n) => `${'- '.repeat(n)}x`, 50_000, 5_000],
];

for (const [name, make, n, reference] of cases) {
  parseMarkdown(make(100)); // warm-up
  const now = time(parseMarkdown, make(n));
  const before = time(referenceMarkdown, make(reference));
  console.log(`${name}: n=${n}: ${now.toFixed(1)} ms | former expressions, n=${reference}: ${before.toFixed(1)} ms`);
}
