import { isStudioError } from '../../../src/shared/errors';
import type { StudioError } from '../../../src/shared/errors';
import type { Tally } from './figures';
import { noteExample } from './figures';

/**
 * How one adversarial case ended. `accepted`: the input was usable after all (a harmless mutation).
 * `sentence`: a StudioError that says what is wrong and where. `unclear`: a StudioError that does
 * not (no place named, a stack trace in it). `crash`: anything else thrown, or a StudioError that
 * admits a defect ('internal'). `hang`: no end within the case's time limit.
 */
export type CaseOutcome =
  | { kind: 'accepted'; ms: number }
  | { kind: 'sentence'; error: StudioError; ms: number }
  | { kind: 'unclear'; error: StudioError; why: string; ms: number }
  | { kind: 'crash'; error: unknown; ms: number }
  | { kind: 'hang'; ms: number };

/** What a sentence must name: any one of these texts (a file name, a JSON path, a node). */
export type NamesCheck = (error: StudioError) => string | null;

/**
 * Why a StudioError is not a sentence a person can act on, or null when it is: it must end like a
 * sentence, say where (`where`), show no stack trace and no leaked `undefined`/`[object Object]`.
 */
export function sentenceProblem(error: StudioError, names?: NamesCheck): string | null {
  const text = error.sentence;
  if (/\n\s*at\s|\(\S+:\d+:\d+\)|\bat \S+ \(/.test(text)) return 'it shows a stack trace';
  if (/\[object Object\]|\bundefined\b/.test(text)) return 'it shows "undefined" or "[object Object]"';
  if (!/[.!?]["')\]]*$/.test(error.message.trim())) return 'its message does not end like a sentence';
  if (error.hint !== undefined && !/[.!?]["')\]]*$/.test(error.hint.trim())) return 'its hint does not end like a sentence';
  if (!error.where) return 'it does not say where (no file, node or JSON path)';
  return names ? names(error) : null;
}

/**
 * Runs one case with a time limit. A case whose synchronous work outlasts the limit counts as a hang
 * too (a timer cannot interrupt it, but its duration is measured).
 */
export async function runCase(operation: () => Promise<unknown>, options: { timeoutMs: number; names?: NamesCheck }): Promise<CaseOutcome> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), options.timeoutMs);
  });
  let outcome: CaseOutcome;
  try {
    const settled = await Promise.race([operation().then(() => 'done' as const), late]);
    const ms = performance.now() - started;
    outcome = settled === 'late' ? { kind: 'hang', ms } : { kind: 'accepted', ms };
  } catch (error) {
    const ms = performance.now() - started;
    if (!isStudioError(error) || error.code === 'internal') outcome = { kind: 'crash', error, ms };
    else {
      const why = sentenceProblem(error, options.names);
      outcome = why ? { kind: 'unclear', error, why, ms } : { kind: 'sentence', error, ms };
    }
  } finally {
    clearTimeout(timer);
  }
  if (outcome.kind !== 'hang' && outcome.ms > options.timeoutMs) return { kind: 'hang', ms: outcome.ms };
  return outcome;
}

/** Counts an outcome into a tally, keeping the first few failures as examples. */
export function countOutcome(tally: Tally, outcome: CaseOutcome, describeCase: () => string): void {
  tally.cases += 1;
  switch (outcome.kind) {
    case 'crash': {
      tally.crashes += 1;
      const error = outcome.error;
      noteExample(tally, `crash: ${describeCase()} → ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n')}` : String(error)}`);
      break;
    }
    case 'hang':
      tally.hangs += 1;
      noteExample(tally, `hang (${Math.round(outcome.ms)} ms): ${describeCase()}`);
      break;
    case 'unclear':
      tally.unclear += 1;
      noteExample(tally, `unclear (${outcome.why}): ${describeCase()} → ${outcome.error.sentence} [where: ${outcome.error.where}]`);
      break;
    default:
      break;
  }
}

/** The examples of a tally as one text, for an assertion message. */
export function examplesText(tally: Tally): string {
  return tally.examples.join('\n---\n');
}
