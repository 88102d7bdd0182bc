/**
 * The figures of the adversarial suite. Each test counts what it tried and what went wrong and
 * attaches the counts to itself (Vitest's `task.meta`); the figures reporter adds them up after the
 * run. Nothing here is typed in: every number comes from a case that ran.
 */

/** The rows of the figures table, in the order they are printed. */
export const CATEGORIES = [
  'Bad image files',
  'Project files',
  'Run folders',
  'ONNX files',
  'Killed processes',
  'Full disks',
  'Autosave',
  'Hostile clients',
  'Electron window',
  'Concurrent jobs',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What one test tried and what went wrong. */
export interface Tally {
  category: Category;
  /** Cases tried: mutated files, kills, requests, ... */
  cases: number;
  /** Cases that ended in anything but a StudioError sentence (an uncaught exception, a defect message, a dead parent). */
  crashes: number;
  /** Cases that did not end within their time limit. */
  hangs: number;
  /** StudioErrors that do not name what is wrong, or show a stack trace. */
  unclear: number;
  /** Files that were complete before and are not after (a checkpoint, a project, an export). */
  filesLost: number;
  /** Requests without the right to be served that were served, or a file outside the bundle read. */
  unauthorisedServed: number;
  /** Measurements worth printing under the table (peak memory, throughput), as `name: value`. */
  measurements: string[];
  /** The first few failing cases, to read when a count is not zero. */
  examples: string[];
}

declare module 'vitest' {
  interface TaskMeta {
    adversarial?: Tally;
  }
}

/** The part of Vitest's test context the figures need. */
export interface FigureTask {
  task: { meta: { adversarial?: Tally } };
}

/** An empty tally for a category. */
export function emptyTally(category: Category): Tally {
  return { category, cases: 0, crashes: 0, hangs: 0, unclear: 0, filesLost: 0, unauthorisedServed: 0, measurements: [], examples: [] };
}

const MAX_EXAMPLES = Number(process.env.ADVERSARIAL_EXAMPLES ?? 5);

/**
 * The tally of the running test, attached to it: counts added here reach the reporter even when the
 * test fails afterwards (the assertions come after the counting).
 */
export function tallyOf(context: FigureTask, category: Category): Tally {
  const existing = context.task.meta.adversarial;
  if (existing) return existing;
  const tally = emptyTally(category);
  context.task.meta.adversarial = tally;
  return tally;
}

/** Keeps a failing case's description, the first few only. */
export function noteExample(tally: Tally, text: string): void {
  if (tally.examples.length < MAX_EXAMPLES) tally.examples.push(text.slice(0, 600));
}

/** Adds a measurement line (`name: value`) to be printed below the table. */
export function noteMeasurement(tally: Tally, text: string): void {
  tally.measurements.push(text);
}
