import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderSafeName, listProjectRuns, newRunFolder, projectRunsFolder, readRunMetrics, runFolderName, thinCurve } from '../../../../src/main/services/runs/project-runs';
import { trainingSettingsSchema } from '../../../../src/shared/project/settings';
import type { RunEvent } from '../../../../src/shared/run/run-events';

const epoch = (n: number, valAccuracy: number): RunEvent => ({ type: 'epoch', epoch: n, epochs: 3, loss: 1 / n, accuracy: 0.5, valLoss: 1 / n, valAccuracy, imagesPerSecond: 100, seconds: 1, learningRate: 0.001, eta: 1, best: true });
const batch = (e: number, b: number): RunEvent => ({ type: 'batch', epoch: e, batch: b, batches: 4, loss: 1, accuracy: 0.5, imagesPerSecond: 10, learningRate: 0.001, eta: 1 });

async function writeRun(runDir: string, patch: Record<string, unknown>, events: RunEvent[], tail = ''): Promise<void> {
  await mkdir(runDir, { recursive: true });
  const record = {
    format: 'cnn-studio/run', version: 1, id: 'x', kind: 'cnn', projectName: 'LeNet', projectPath: null, status: 'completed', message: null,
    createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z', finishedAt: '2026-11-25T10:05:00.000Z',
    backend: { name: 'wasm', label: 'WebAssembly (SIMD, 1 thread)', reason: 'TensorFlow native not installed', gpu: null, versions: {} }, pid: null,
    training: trainingSettingsSchema.parse({}), datasetPath: '/data', epochsPlanned: 3, epochsCompleted: 3, bestEpoch: 2, checkpoints: [], finalWeights: 'weights',
    ...patch,
  };
  await writeFile(join(runDir, 'run.json'), JSON.stringify(record));
  await writeFile(join(runDir, 'metrics.jsonl'), events.map((e) => `${JSON.stringify(e)}\n`).join('') + tail);
}

describe('where a project keeps its runs', () => {
  it('puts_them_beside_a_saved_project_in_the_state_folder_for_an_unsaved_one_or_where_chosen', () => {
    const base = { projectName: 'LeNet-5 on Fashion-MNIST', stateFolder: '/home/me/.local/state/cnn-studio', cwd: '/work' };
    expect(projectRunsFolder({ ...base, projectPath: '/p/lenet.cnnstudio' })).toBe('/p/lenet.runs');
    expect(projectRunsFolder({ ...base, projectPath: 'rel/lenet.cnnstudio' })).toBe('/work/rel/lenet.runs');
    expect(projectRunsFolder({ ...base, projectPath: null })).toBe('/home/me/.local/state/cnn-studio/runs/LeNet-5-on-Fashion-MNIST');
    expect(projectRunsFolder({ ...base, projectPath: '/p/lenet.cnnstudio', runsFolder: 'my-runs' })).toBe('/work/my-runs');
    expect(projectRunsFolder({ ...base, projectPath: null, runsFolder: '  ' })).toBe('/home/me/.local/state/cnn-studio/runs/LeNet-5-on-Fashion-MNIST');
  });

  it('makes_safe_folder_names_and_names_runs_after_their_start', () => {
    expect(folderSafeName('a/b:c*?  d')).toBe('a-b-c-d');
    expect(folderSafeName('...')).toBe('project');
    expect(runFolderName(new Date(2026, 10, 5, 9, 3, 7))).toBe('2026-11-05_09-03-07');
  });

  describe('in a folder', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cnn-project-runs-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('never_reuses_a_run_folder_started_in_the_same_second', async () => {
      const when = new Date(2026, 10, 25, 10, 0, 0);
      const first = await newRunFolder(join(dir, 'runs'), when);
      await mkdir(first);
      const second = await newRunFolder(join(dir, 'runs'), when);
      expect(first).toBe(join(dir, 'runs', '2026-11-25_10-00-00'));
      expect(second).toBe(join(dir, 'runs', '2026-11-25_10-00-00-2'));
    });

    it('lists_runs_newest_first_with_their_last_and_best_epochs', async () => {
      await writeRun(join(dir, 'old'), { createdAt: '2026-11-24T10:00:00.000Z' }, [epoch(1, 0.5), epoch(2, 0.7), epoch(3, 0.6)]);
      await writeRun(join(dir, 'new'), { createdAt: '2026-11-25T10:00:00.000Z', status: 'stopped', bestEpoch: null, finalWeights: null, epochsCompleted: 0 }, []);
      await writeRun(join(dir, 'broken'), { createdAt: 'whatever', status: 'flying' }, []);
      await mkdir(join(dir, 'not-a-run'));
      const runs = await listProjectRuns(dir, new Set([join(dir, 'new')]));
      expect(runs.map((r) => r.id)).toEqual(['new', 'old', 'broken']);
      expect(runs[0]).toMatchObject({ status: 'running', live: true, last: null, best: null, hasWeights: false });
      expect(runs[1]).toMatchObject({ status: 'completed', backend: 'WebAssembly (SIMD, 1 thread)', last: { epoch: 3, valAccuracy: 0.6 }, best: { epoch: 2, valAccuracy: 0.7 }, hasWeights: true, live: false });
      expect(runs[2]!.status).toBe('failed');
      expect(runs[2]!.message).toMatch(/run\.json: status .*the run folder is damaged/);
      expect(await listProjectRuns(join(dir, 'none'))).toEqual([]);
    });

    it('reads_a_runs_curves_keeping_the_last_attempt_of_a_resumed_epoch_and_skipping_a_torn_line', async () => {
      const events = [batch(1, 1), batch(1, 2), batch(1, 3), batch(1, 4), epoch(1, 0.5), batch(2, 1), batch(2, 2), batch(2, 1), batch(2, 2), batch(2, 3), epoch(2, 0.6)];
      await writeRun(join(dir, 'r'), {}, events, '{"type":"batch","epo');
      const metrics = await readRunMetrics(join(dir, 'r'));
      expect(metrics.damagedLines).toBe(1);
      expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      expect(metrics.batches.map((b) => `${b.epoch}.${b.batch}`)).toEqual(['1.1', '1.2', '1.3', '1.4', '2.1', '2.2', '2.3']);
      await expect(readRunMetrics(join(dir, 'nothing'))).rejects.toThrow(`${join(dir, 'nothing')} is not a run folder (it has no run.json).`);
    });
  });

  it('thins_a_curve_evenly_to_at_most_max_points_keeping_both_ends', () => {
    const points = Array.from({ length: 10_001 }, (_, i) => i);
    const thin = thinCurve(points, 1000);
    expect(thin).toHaveLength(1000);
    expect(thin[0]).toBe(0);
    expect(thin.at(-1)).toBe(10_000);
    expect(thinCurve([1, 2, 3], 1000)).toEqual([1, 2, 3]);
  });
});
