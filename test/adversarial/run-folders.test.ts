import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../src/main/services/export/export-model';
import { readCheckpointFolder } from '../../src/main/services/runs/checkpoints';
import { listProjectRuns, readRunMetrics } from '../../src/main/services/runs/project-runs';
import { readRunArtifacts, readRunRecord } from '../../src/main/services/runs/run-folder';
import { removeDir, sampleSubset, tempDir } from '../support/training-fixtures';
import { trainTinyRun } from './support/adversarial-fixtures';
import { countOutcome, examplesText, runCase } from './support/case-outcome';
import { noteExample, tallyOf } from './support/figures';
import type { ByteMutation, JsonMutation } from './support/mutations';
import { byteMutation, draw, jsonMutation } from './support/mutations';

/**
 * Run folders damaged at random (issue 15): one file of a real run — run.json, metrics.jsonl, the
 * final and checkpoint weights (weights.json/bin), the checkpoint's state and optimizer, labels,
 * preprocessing, the run's project — is damaged per case, then the run is used the ways the studio
 * uses one: listed in the run history, its curves read, its last checkpoint read (resume), and exported
 * to ONNX (what evaluate, predict and export read). Each use must work or end in a StudioError naming
 * the run folder; an export that works must load in ONNX Runtime.
 */

const SEED = 15_002;
const CASES = 3000;
const CASE_TIMEOUT_MS = 5000;

let root: string;
let pristine: string;
let runDir: string;
let files: string[];
const original = new Map<string, Buffer>();

beforeAll(async () => {
  root = await tempDir('adv-run');
  pristine = join(root, 'pristine');
  const data = await sampleSubset(['bag', 'trouser'], 12);
  await trainTinyRun(pristine, data, 2);
  await removeDir(data);
  runDir = join(root, 'runs', 'damaged');
  await cp(pristine, runDir, { recursive: true });
  const all = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => relative(runDir, join(e.parentPath, e.name)));
  // The TF.js copy of the model (model/) is read by TF.js tools, not by the studio.
  files = all.filter((f) => !f.startsWith('model')).sort();
  for (const f of files) original.set(f, await readFile(join(runDir, f)));
}, 120_000);
afterAll(() => removeDir(root));

interface RunCase {
  file: string;
  mutation: JsonMutation | ByteMutation;
  kind: 'json' | 'bytes';
}

function runCases(): RunCase[] {
  const perFile = Math.ceil(CASES / files.length);
  return files
    .flatMap((file, index) => {
      const text = original.get(file)!.toString('utf8');
      let json: unknown = undefined;
      if (file.endsWith('.json') || file.endsWith('.cnnstudio')) json = JSON.parse(text);
      if (file.endsWith('.jsonl')) json = text.trim().split('\n').map((line) => JSON.parse(line) as unknown);
      const choices: fc.Arbitrary<RunCase>[] = [byteMutation.map((mutation): RunCase => ({ file, mutation, kind: 'bytes' }))];
      if (json !== undefined) choices.push(jsonMutation(json).map((mutation): RunCase => ({ file, mutation, kind: 'json' })));
      return draw(fc.oneof(...choices), perFile, SEED + index);
    })
    .slice(0, CASES);
}

function damagedBytes(c: RunCase): Uint8Array {
  const bytes = original.get(c.file)!;
  if (c.kind === 'bytes') return (c.mutation as ByteMutation).apply(new Uint8Array(bytes));
  const json = c.file.endsWith('.jsonl') ? bytes.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown) : (JSON.parse(bytes.toString('utf8')) as unknown);
  const text = (c.mutation as JsonMutation).apply(json);
  if (!c.file.endsWith('.jsonl')) return new TextEncoder().encode(text);
  // A metrics log stays one event per line: the damaged list is written back line by line.
  try {
    const lines = JSON.parse(text) as unknown;
    if (Array.isArray(lines)) return new TextEncoder().encode(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  } catch {
    // Text JSON.parse cannot read (1e400 is fine, deep nesting may not be) is written as it is.
  }
  return new TextEncoder().encode(text);
}

/** Every way the studio reads a run; a result that is not an error must be usable. */
async function useRun(out: string, checkExport: boolean): Promise<void> {
  await readRunRecord(runDir);
  // The run history lists a damaged run with its reason instead of failing.
  const listed = await listProjectRuns(dirname(runDir));
  if (listed.length !== 1) throw new Error(`the run history lists ${listed.length} runs`);
  await readRunMetrics(runDir);
  const record = await readRunRecord(runDir);
  const last = record.checkpoints.at(-1);
  if (last) await readCheckpointFolder(runDir, last);
  await readRunArtifacts(runDir, 'best');
  const result = await exportModel({ source: runDir, format: 'onnx', out, producerVersion: 'adversarial' });
  if (checkExport) {
    const session = await ort.InferenceSession.create(await readFile(result.file!));
    await session.release();
  }
}

describe('run folders mutated at random', () => {
  it('every_use_of_a_damaged_run_works_or_ends_in_a_sentence_naming_the_run', async (context) => {
    const tally = tallyOf(context, 'Run folders');
    const cases = runCases();
    const out = join(root, 'export.onnx');
    let accepted = 0;
    for (const c of cases) {
      await writeFile(join(runDir, c.file), damagedBytes(c));
      // Damaged weights that still load must still make a model ONNX Runtime accepts.
      const checkExport = c.file.endsWith('weights.json') || c.file.endsWith('project.cnnstudio');
      const outcome = await runCase(() => useRun(out, checkExport), {
        timeoutMs: CASE_TIMEOUT_MS,
        names: (error) => (error.message.includes(runDir) || error.where?.startsWith(runDir) ? null : `it does not name the run folder ${runDir}`),
      });
      if (outcome.kind === 'accepted') accepted += 1;
      countOutcome(tally, outcome, () => `${c.file}: ${c.mutation.describe}`);
      await writeFile(join(runDir, c.file), original.get(c.file)!);
    }
    tally.measurements.push(`run folders: ${files.length} files damaged in turn; ${accepted} of ${cases.length} damaged runs still exported (harmless damage)`);
    expect(tally.cases).toBe(CASES);
    expect(tally.crashes, examplesText(tally)).toBe(0);
    expect(tally.hangs, examplesText(tally)).toBe(0);
    expect(tally.unclear, examplesText(tally)).toBe(0);
  }, 600_000); // Thousands of cases: minutes on a loaded 2-core machine, seconds on a quiet one.

  it('a_missing_file_of_a_run_is_named', async (context) => {
    const tally = tallyOf(context, 'Run folders');
    const { rm } = await import('node:fs/promises');
    for (const file of files) {
      await rm(join(runDir, file));
      const outcome = await runCase(() => useRun(join(root, 'missing.onnx'), false), {
        timeoutMs: CASE_TIMEOUT_MS,
        names: (error) => (error.message.includes(runDir) ? null : `it does not name the run folder ${runDir}`),
      });
      countOutcome(tally, outcome, () => `${file} deleted`);
      if (outcome.kind === 'accepted' && ['run.json', 'project.cnnstudio', 'labels.json', 'preprocessing.json'].includes(file)) {
        tally.crashes += 1;
        noteExample(tally, `${file} deleted, yet the run was used as if whole`);
      }
      await writeFile(join(runDir, file), original.get(file)!);
    }
    expect(tally.crashes + tally.hangs + tally.unclear, examplesText(tally)).toBe(0);
  });
});
