import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import type { Category, Tally } from './figures';
import { CATEGORIES, emptyTally } from './figures';

/**
 * Prints the figures of `npm run test:adversarial` after the run: per category the cases tried,
 * crashes, hangs, unclear messages, files lost and unauthorised requests served, added up from the
 * tallies the tests attached to themselves. The security tests written before this suite (browser
 * mode's server, the Electron window's guards) carry no tally; each of their tests counts as one case
 * of its category. The same figures go to test-artifacts/adversarial-figures.json.
 */

/** Earlier tests of the same attacks, by file, and the row they count in (`npm run test:adversarial` runs them). */
const COUNTED_FILES: [RegExp, Category][] = [
  [/^test\/main\/server\//, 'Hostile clients'],
  [/^test\/main\/app\/(window-security|index)\.test\.ts$/, 'Electron window'],
  [/^test\/main\/services\/data\/image-(folder|decoder)\.test\.ts$/, 'Bad image files'],
];

interface Row extends Tally {
  tests: number;
  failedTests: number;
}

function categoryOfFile(file: string): Category | null {
  return COUNTED_FILES.find(([pattern]) => pattern.test(file))?.[1] ?? null;
}

/** The table as text, with a header line and aligned columns. */
export function formatFigures(rows: Row[]): string {
  const headers = ['Category', 'Tests', 'Cases tried', 'Crashes', 'Hangs', 'Unclear messages', 'Files lost', 'Unauthorised served', 'Failed tests'];
  const body = rows.map((r) => [r.category, r.tests, r.cases, r.crashes, r.hangs, r.unclear, r.filesLost, r.unauthorisedServed, r.failedTests].map(String));
  const total = rows.reduce(
    (t, r) => t.map((v, i) => (i === 0 ? v : String(Number(v) + [0, r.tests, r.cases, r.crashes, r.hangs, r.unclear, r.filesLost, r.unauthorisedServed, r.failedTests][i]!))),
    ['Total', '0', '0', '0', '0', '0', '0', '0', '0'],
  );
  const table = [headers, ...body, total];
  const widths = headers.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...body.map(line), line(total)].join('\n');
}

// eslint-disable-next-line no-restricted-syntax -- Vitest loads a reporter file through its default export.
export default class FiguresReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = new Map<Category, Row>(CATEGORIES.map((c) => [c, { ...emptyTally(c), tests: 0, failedTests: 0 }]));
    const root = resolve(process.cwd());
    for (const module of testModules) {
      const file = relative(root, module.moduleId).split('\\').join('/');
      for (const test of module.children.allTests()) {
        const tally = test.meta().adversarial;
        const category = tally?.category ?? categoryOfFile(file);
        if (!category) continue;
        const row = rows.get(category)!;
        const state = test.result().state;
        if (state === 'skipped' || state === 'pending') continue;
        row.tests += 1;
        if (state === 'failed') row.failedTests += 1;
        if (!tally) {
          row.cases += 1;
          continue;
        }
        row.cases += tally.cases;
        row.crashes += tally.crashes;
        row.hangs += tally.hangs;
        row.unclear += tally.unclear;
        row.filesLost += tally.filesLost;
        row.unauthorisedServed += tally.unauthorisedServed;
        row.measurements.push(...tally.measurements);
        row.examples.push(...tally.examples.map((e) => `${test.fullName}: ${e}`));
      }
    }
    const used = [...rows.values()].filter((r) => r.tests > 0);
    const lines = ['', 'Adversarial suite: figures of this run', '', formatFigures(used), ''];
    const measurements = used.flatMap((r) => r.measurements.map((m) => `- ${r.category}: ${m}`));
    if (measurements.length) lines.push('Measured:', ...measurements, '');
    const examples = used.flatMap((r) => r.examples);
    if (examples.length) lines.push('First failing cases:', ...examples.slice(0, 20).map((e) => `- ${e}`), '');
    process.stdout.write(`${lines.join('\n')}\n`);
    const out = join(root, 'test-artifacts');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'adversarial-figures.json'), `${JSON.stringify({ finishedAt: new Date().toISOString(), rows: used }, null, 2)}\n`);
    writeFileSync(join(out, 'adversarial-figures.md'), `${formatFigures(used)}\n`);
  }
}
