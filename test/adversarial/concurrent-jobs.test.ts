import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportHandlers } from '../../src/main/services/api/export-handlers';
import { readRunRecord } from '../../src/main/services/runs/run-folder';
import { readWeightsFolder } from '../../src/main/services/runs/weights-folder';
import { forkEngine } from '../../src/main/services/training/engine-channel';
import { startTraining } from '../../src/main/services/training/training-service';
import { projectToFile } from '../../src/shared/project/codec';
import type { WeightSet } from '../../src/shared/weights';
import type { ServerFixture } from '../main/server/server-fixtures';
import { ask, openSocket, startTestServer } from '../main/server/server-fixtures';
import { removeDir, sampleSubset, smallProject, tempDir } from '../support/training-fixtures';
import { tinyNet } from './support/adversarial-fixtures';
import type { Tally } from './support/figures';
import { noteExample, noteMeasurement, tallyOf } from './support/figures';

/**
 * Jobs at the same time (issue 15). Two training runs and an export started together in one process
 * (the services a server runs) must all finish, each as it would alone: the two runs, same project
 * and seed, end with bit-identical weights. Through one browser-mode server, a window's export runs
 * beside another window's training; a second training asked for meanwhile is refused with a sentence
 * (the studio trains one run at a time, src/main/services/training/run-manager.ts) and runs once the
 * first has ended.
 */

let root: string;
let data: string;
let trained: string;

beforeAll(async () => {
  root = await tempDir('adv-concurrent');
  data = await sampleSubset(['bag', 'trouser'], 16);
  trained = join(root, 'trained');
  await startTraining(forkEngine, { project: smallProject(tinyNet(2), { epochs: 1, batchSize: 8 }), projectPath: null, dataPath: data, runDir: trained, cwd: root }).result;
}, 120_000);
afterAll(async () => {
  await removeDir(root);
  await removeDir(data);
});

function sameWeights(a: WeightSet, b: WeightSet): boolean {
  const keys = Object.keys(a).sort();
  if (keys.join() !== Object.keys(b).sort().join()) return false;
  return keys.every((node) =>
    Object.entries(a[node]!).every(([role, t]) => {
      const u = b[node]![role as keyof WeightSet[string]];
      return !!u && t.values.length === u.values.length && t.values.every((v, i) => Object.is(v, u.values[i]));
    }),
  );
}

/** An exported ONNX model that ONNX Runtime runs, giving probabilities. */
async function onnxWorks(file: string): Promise<boolean> {
  const session = await ort.InferenceSession.create(await readFile(file));
  try {
    const input = new ort.Tensor('float32', new Float32Array(28 * 28), [1, 1, 28, 28]);
    const output = await session.run({ [session.inputNames[0]!]: input });
    const values = output[session.outputNames[0]!]!.data as Float32Array;
    return Math.abs(values.reduce((s, v) => s + v, 0) - 1) < 1e-4;
  } finally {
    await session.release();
  }
}

function check(tally: Tally, what: string, ok: boolean): void {
  tally.cases += 1;
  if (!ok) {
    tally.crashes += 1;
    noteExample(tally, `${what} did not finish correctly`);
  }
}

describe('jobs at the same time', () => {
  it('two_training_runs_and_an_export_started_together_all_finish_as_they_would_alone', async (context) => {
    const tally = tallyOf(context, 'Concurrent jobs');
    const project = smallProject(tinyNet(2), { epochs: 2, batchSize: 8, seed: 11 });
    const runs = [join(root, 'together-a'), join(root, 'together-b')];
    const out = join(root, 'together.onnx');
    const started = performance.now();
    const [a, b, exported] = await Promise.allSettled([
      ...runs.map((runDir) => startTraining(forkEngine, { project, projectPath: null, dataPath: data, runDir, cwd: root }).result),
      createExportHandlers({ launch: forkEngine, cwd: root, version: 'adversarial' })['export.run']({ source: trained, format: 'onnx', out }, { events: { emit: () => undefined } as never }),
    ]);
    noteMeasurement(tally, `two training runs and an export at once: all ended after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    check(tally, 'training run A', a.status === 'fulfilled' && (await readRunRecord(runs[0]!)).status === 'completed');
    check(tally, 'training run B', b?.status === 'fulfilled' && (await readRunRecord(runs[1]!)).status === 'completed');
    check(tally, 'the export', exported?.status === 'fulfilled' && (await onnxWorks(out)));
    check(tally, 'runs A and B (same seed) ending bit-identical', sameWeights(await readWeightsFolder(join(runs[0]!, 'weights')), await readWeightsFolder(join(runs[1]!, 'weights'))));
    expect(tally.crashes, tally.examples.join('\n')).toBe(0);
  });

  it('through_one_server_an_export_runs_beside_training_and_a_second_run_waits_its_turn', async (context) => {
    const tally = tallyOf(context, 'Concurrent jobs');
    const server: ServerFixture = await startTestServer();
    try {
      const { port, token } = server.server;
      const windowA = await openSocket(port, { token });
      const windowB = await openSocket(port, { token });
      const file = projectToFile(smallProject(tinyNet(2), { epochs: 2, batchSize: 8 }));
      file.dataset = { ...file.dataset, path: data };
      const first = (await ask(windowA, 'training.start', { project: file, projectPath: null, runsFolder: join(root, 'server-runs') }, 1)) as { ok: boolean; result?: { runId: string; runDir: string } };
      check(tally, 'window A starting a run', first.ok);
      const [exported, second] = await Promise.all([
        ask(windowB, 'export.run', { source: trained, format: 'onnx', out: join(root, 'beside.onnx') }, 2) as Promise<{ ok: boolean }>,
        ask(windowB, 'training.start', { project: file, projectPath: null, runsFolder: join(root, 'server-runs') }, 3) as Promise<{ ok: boolean; error?: { code: string; message: string } }>,
      ]);
      check(tally, 'window B exporting while A trains', exported.ok && (await onnxWorks(join(root, 'beside.onnx'))));
      check(tally, "window B's second run refused with a sentence while A trains", !second.ok && second.error?.code === 'invalid-argument' && /already in progress/.test(second.error.message));
      // A runs to its end; then B's run is welcome.
      const ended = async (runId: string) => {
        for (;;) {
          const active = (await ask(windowA, 'training.active', {}, Math.floor(Math.random() * 1e9))) as { result: { runs: { runId: string; state: string; outcome: string | null }[] } };
          const run = active.result.runs.find((r) => r.runId === runId);
          if (run?.state === 'ended') return run.outcome;
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      check(tally, "window A's run", first.ok && (await ended(first.result!.runId)) === 'completed');
      const retry = (await ask(windowB, 'training.start', { project: file, projectPath: null, runsFolder: join(root, 'server-runs') }, 4)) as { ok: boolean; result?: { runId: string } };
      check(tally, "window B's run after A's", retry.ok && (await ended(retry.result!.runId)) === 'completed');
      windowA.close();
      windowB.close();
    } finally {
      await server.close();
    }
    expect(tally.crashes, tally.examples.join('\n')).toBe(0);
  });
});
