import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportHandlers } from '../../src/main/services/api/export-handlers';
import { readCheckpointFolder } from '../../src/main/services/runs/checkpoints';
import { readRunArtifacts, readRunRecord } from '../../src/main/services/runs/run-folder';
import { forkEngine } from '../../src/main/services/training/engine-channel';
import { resumeTraining, startTraining } from '../../src/main/services/training/training-service';
import { StudioError } from '../../src/shared/errors';
import type { RunEvent } from '../../src/shared/run/run-events';
import { chain } from '../support/graph-fixtures';
import { runCliProcess } from '../support/cli-process';
import { removeDir, sampleSubset, smallProject, tempDir } from '../support/training-fixtures';
import { sentenceProblem } from './support/case-outcome';
import { recordingLauncher } from './support/engine-launchers';
import type { Tally } from './support/figures';
import { noteExample, noteMeasurement, tallyOf } from './support/figures';
import { seededRandom } from './support/seeded-random';

/**
 * The engine process killed with SIGKILL at moments picked by a seeded generator (issue 15): during
 * an epoch, during a checkpoint write, during an export. The parent must report it and stay up; the
 * run folder must hold a complete last checkpoint, never pass for a finished run, and resume to the
 * end; an export must leave the old file or the whole new one, and no partial file. That a resumed
 * run ends bit-identical to an uninterrupted one is tested in
 * test/main/services/training/trainer.test.ts (stop_keeps_what_was_trained_and_resume_matches_an_uninterrupted_run).
 */

const SEED = 15_004;
const EPOCHS = 3;
const KILLS = { epoch: 8, checkpoint: 7, export: 5 };

/** Heavy enough that a checkpoint takes a while to write (a 1568 x 160 dense layer and its Adam state). */
const network = () =>
  chain([28, 28, 1], [
    ['conv', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same' }],
    ['pool', 'MaxPool2D'],
    ['flat', 'Flatten'],
    ['dense', 'Dense', { units: 160 }],
  ], { classes: 2 });
const project = () => smallProject(network(), { epochs: EPOCHS, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.001 } as never });

let root: string;
let data: string;
const random = seededRandom(SEED);

beforeAll(async () => {
  root = await tempDir('adv-kill');
  data = await sampleSubset(['bag', 'trouser'], 40);
});
afterAll(async () => {
  await removeDir(root);
  await removeDir(data);
});

/** Names in the run folder (recursively) that are temporary leftovers of an interrupted write. */
async function leftovers(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return all.filter((name) => /\.partial-|\.old-|\.\d+\.[0-9a-f]{8}\.(tmp|old)$/.test(name));
}

/** The parent's report of a dead engine: an 'engine-crashed' sentence with a hint, no stack trace. */
function isCrashReport(error: unknown): boolean {
  if (!(error instanceof StudioError) || error.code !== 'engine-crashed' || !error.hint) return false;
  // It names no file (the run folder is the caller's); everything else a sentence needs, it has.
  const problem = sentenceProblem(new StudioError(error.code, error.message, { hint: error.hint, where: 'engine' }));
  return problem === null;
}

type KillPlan = { phase: 'epoch'; epoch: number; batch: number; delayMs: number } | { phase: 'checkpoint'; epoch: number; delayMs: number };

/** Trains, kills the engine as planned, and checks the run folder; returns where the kill landed. */
async function killTraining(runDir: string, plan: KillPlan, tally: Tally): Promise<'mid-epoch' | 'mid-checkpoint' | 'after-checkpoint' | 'after-end'> {
  let landed: 'mid-epoch' | 'mid-checkpoint' | 'after-checkpoint' | 'after-end' = 'mid-epoch';
  let poller: ReturnType<typeof setInterval> | null = null;
  const kill = () => {
    if (poller) clearInterval(poller);
    job.kill();
  };
  const job = startTraining(forkEngine, { project: project(), projectPath: null, dataPath: data, runDir, cwd: root }, {
    onEvent(event: RunEvent) {
      if (plan.phase === 'epoch' && event.type === 'batch' && event.epoch === plan.epoch && event.batch === plan.batch) setTimeout(kill, plan.delayMs);
      if (plan.phase === 'checkpoint' && event.type === 'epoch' && event.epoch === plan.epoch) {
        // The checkpoint is written right after the epoch event: kill once its partial folder appears.
        const dir = join(runDir, 'checkpoints');
        poller = setInterval(() => {
          void readdir(dir).then(
            (names) => {
              if (poller && names.some((n) => n.includes('.partial-'))) {
                clearInterval(poller);
                poller = null;
                landed = 'mid-checkpoint';
                setTimeout(kill, plan.delayMs);
              }
            },
            () => undefined,
          );
        }, 1);
      }
      if (plan.phase === 'checkpoint' && event.type === 'checkpoint' && event.epoch === plan.epoch && poller) {
        landed = 'after-checkpoint';
        kill();
      }
    },
  });
  const outcome = await job.result.then(
    () => 'finished' as const,
    (error: unknown) => error,
  );
  tally.cases += 1;
  if (outcome === 'finished') return 'after-end';
  // The parent is told in a sentence, and carries on (this process is the parent).
  if (!isCrashReport(outcome)) {
    tally.crashes += 1;
    noteExample(tally, `kill ${JSON.stringify(plan)}: the parent was told ${outcome instanceof Error ? outcome.message : String(outcome)}`);
  }
  const read = await readRunRecord(runDir).then(
    (r) => ({ ok: true as const, record: r }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (!read.ok) {
    // Killed before run.json was written: nothing may be left at all.
    const names = await readdir(runDir).catch(() => []);
    if (names.length) {
      tally.filesLost += 1;
      noteExample(tally, `kill ${JSON.stringify(plan)}: run.json unreadable (${String(read.error)}) beside ${names.join(', ')}`);
    }
    return landed;
  }
  const { record } = read;
  if (record.status === 'completed' || record.status === 'running') {
    tally.crashes += 1;
    noteExample(tally, `kill ${JSON.stringify(plan)}: the killed run reads as ${record.status}`);
  }
  for (const folder of record.checkpoints) {
    const ok = await readCheckpointFolder(runDir, folder).then(
      (c) => c.state.epoch === Number(folder.slice(-4)),
      () => false,
    );
    if (!ok) {
      tally.filesLost += 1;
      noteExample(tally, `kill ${JSON.stringify(plan)}: checkpoint ${folder} is not complete`);
    }
  }
  if (record.checkpoints.length !== record.epochsCompleted) {
    tally.filesLost += 1;
    noteExample(tally, `kill ${JSON.stringify(plan)}: ${record.epochsCompleted} epochs completed but ${record.checkpoints.length} checkpoints listed`);
  }
  const left = await leftovers(runDir);
  if (left.length) {
    tally.filesLost += 1;
    noteExample(tally, `kill ${JSON.stringify(plan)}: partial files left: ${left.join(', ')}`);
  }
  if (record.checkpoints.length) {
    // What was trained before the kill is usable as it is (evaluate, predict, export read it).
    const artifacts = await readRunArtifacts(runDir).catch((error: unknown) => error);
    if (artifacts instanceof Error) {
      tally.filesLost += 1;
      noteExample(tally, `kill ${JSON.stringify(plan)}: the trained weights cannot be read: ${artifacts.message}`);
    }
  }
  return landed;
}

describe('the engine process killed at random moments', () => {
  it('training_killed_mid_epoch_and_mid_checkpoint_keeps_a_complete_checkpoint_and_resumes', async (context) => {
    const tally = tallyOf(context, 'Killed processes');
    const plans: KillPlan[] = [
      ...Array.from({ length: KILLS.epoch }, (): KillPlan => ({ phase: 'epoch', epoch: random.int(1, EPOCHS), batch: random.int(1, 3), delayMs: random.int(0, 40) })),
      ...Array.from({ length: KILLS.checkpoint }, (): KillPlan => ({ phase: 'checkpoint', epoch: random.int(1, EPOCHS - 1), delayMs: random.int(0, 6) })),
    ];
    const landed: Record<string, number> = {};
    const killed: string[] = [];
    for (const [i, plan] of plans.entries()) {
      const runDir = join(root, `run-${i}`);
      const where = await killTraining(runDir, plan, tally);
      landed[where] = (landed[where] ?? 0) + 1;
      if (where !== 'after-end' && (await stat(join(runDir, 'run.json')).then(() => true, () => false))) killed.push(runDir);
    }
    noteMeasurement(tally, `training kills landed: ${Object.entries(landed).map(([k, v]) => `${v} ${k}`).join(', ')}`);

    // Every killed run resumes to its end: through `cnn-studio train --resume` for the first three, the service for the rest.
    let resumed = 0;
    for (const [i, runDir] of killed.entries()) {
      if (i < 3) {
        const cli = await runCliProcess(['train', '--resume', runDir, '--json']);
        if (cli.code !== 0) noteExample(tally, `train --resume ${runDir} exited ${cli.code}: ${cli.stderr.slice(0, 300)}`);
      } else {
        const job = await resumeTraining(forkEngine, runDir);
        await job.result.catch((error: unknown) => noteExample(tally, `resume ${runDir}: ${String(error)}`));
      }
      const record = await readRunRecord(runDir);
      if (record.status === 'completed' && record.epochsCompleted === EPOCHS) resumed += 1;
      else noteExample(tally, `resumed ${runDir} ends ${record.status} after ${record.epochsCompleted} epochs`);
    }
    noteMeasurement(tally, `resumed to the end: ${resumed} of ${killed.length} killed runs`);
    expect(tally.cases).toBe(KILLS.epoch + KILLS.checkpoint);
    expect(tally.crashes + tally.filesLost, tally.examples.join('\n')).toBe(0);
    expect(landed['mid-checkpoint'] ?? 0, 'kills that landed inside a checkpoint write').toBeGreaterThan(0);
    expect(resumed).toBe(killed.length);
  });

  it('an_export_killed_mid_write_leaves_the_old_file_or_the_whole_new_one', async (context) => {
    const tally = tallyOf(context, 'Killed processes');
    // A finished run to export.
    const runDir = join(root, 'finished');
    await startTraining(forkEngine, { project: smallProject(network(), { epochs: 1, batchSize: 16 }), projectPath: null, dataPath: data, runDir, cwd: root }).result;
    const outDir = join(root, 'exports');
    const { launch, channels } = recordingLauncher();
    const handlers = createExportHandlers({ launch, cwd: root, version: 'adversarial' });
    let midWrite = 0;
    for (let i = 0; i < KILLS.export; i++) {
      const format = i % 2 === 0 ? 'onnx' : 'tfjs';
      const out = join(outDir, format === 'onnx' ? 'model.onnx' : 'model-tfjs');
      const before = await stat(out).then(() => true, () => false);
      const delay = random.int(0, 4);
      const name = format === 'onnx' ? '.model.onnx.' : '.model-tfjs.';
      let seen = false;
      const poller = setInterval(() => {
        void readdir(outDir).then(
          (names) => {
            if (!seen && names.some((n) => n.startsWith(name) && n.endsWith('.tmp'))) {
              seen = true;
              setTimeout(() => channels.at(-1)?.kill(), delay);
            }
          },
          () => undefined,
        );
      }, 1);
      const outcome = await Promise.resolve(handlers['export.run']({ source: runDir, format, out }, { events: { emit: () => undefined } as never })).then(
        () => 'finished' as const,
        (error: unknown) => error,
      );
      clearInterval(poller);
      tally.cases += 1;
      if (seen) midWrite += 1;
      if (outcome !== 'finished' && !isCrashReport(outcome)) {
        tally.crashes += 1;
        noteExample(tally, `export ${format} kill: ${String(outcome)}`);
      }
      const left = (await readdir(outDir).catch(() => [] as string[])).filter((n) => n.startsWith('.'));
      if (left.length) {
        tally.filesLost += 1;
        noteExample(tally, `export ${format} killed ${seen ? 'mid-write' : 'before the write'}: partial files left: ${left.join(', ')}`);
      }
      const exists = await stat(out).then(() => true, () => false);
      if (before && !exists) {
        tally.filesLost += 1;
        noteExample(tally, `export ${format}: the previous export is gone`);
      }
      if (exists) {
        // Whatever is at the path is a whole model.
        const whole =
          format === 'onnx'
            ? await ort.InferenceSession.create(await readFile(out)).then(
                (s) => s.release().then(() => true),
                () => false,
              )
            : await readFile(join(out, 'model.json'), 'utf8').then(
                async (text) => {
                  const paths = (JSON.parse(text) as { weightsManifest: { paths: string[] }[] }).weightsManifest.flatMap((m) => m.paths);
                  return (await Promise.all(paths.map((p) => stat(join(out, p)).then(() => true, () => false)))).every(Boolean);
                },
                () => false,
              );
        if (!whole) {
          tally.filesLost += 1;
          noteExample(tally, `export ${format}: ${out} is not a whole model after the kill`);
        }
      }
    }
    noteMeasurement(tally, `export kills: ${midWrite} of ${KILLS.export} landed while the temporary file existed`);
    expect(tally.crashes + tally.filesLost, tally.examples.join('\n')).toBe(0);
  });
});
