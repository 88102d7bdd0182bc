import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../../src/main/services/project/project-files';
import { startPytorchTraining } from '../../../../src/main/services/pytorch-engine';
import { readRunEvents } from '../../../../src/main/services/runs/metrics-file';
import { readRunArtifacts, readRunRecord } from '../../../../src/main/services/runs/run-folder';
import { forkEngine } from '../../../../src/main/services/training/engine-channel';
import { resumeTraining, startTraining } from '../../../../src/main/services/training/training-service';
import type { Project } from '../../../../src/shared/project/project';
import type { RunEvent } from '../../../../src/shared/run/run-events';
import { SAMPLE_DATASET, epochEvents, removeDir, tempDir } from '../../../support/training-fixtures';
import { torchPythonForTests } from '../export/pytorch/support/torch-python';

/**
 * `--backend pytorch`: the package's train.py as a local engine behind the same training service as
 * TF.js — the same events, the same run folder, pause, resume and stop, and resume from a checkpoint.
 */
const SAMPLE_PROJECT = resolve(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');

let root: string;
let reason = '';
let project: Project;

beforeAll(async () => {
  const { python, reason: why } = await torchPythonForTests();
  root = await tempDir('pytorch-engine');
  if (!python) {
    reason = why;
    console.warn(`Local PyTorch engine tests skipped: ${why}`);
    return;
  }
  // One torch thread: this machine and CI have two cores, shared with the test workers.
  process.env.CNN_STUDIO_TORCH_THREADS = '1';
  const sample = await readProjectFile(SAMPLE_PROJECT);
  project = { ...sample, training: { ...sample.training, epochs: 4, backend: 'pytorch' } };
});

afterAll(async () => {
  delete process.env.CNN_STUDIO_TORCH_THREADS;
  await removeDir(root);
});

describe('the PyTorch engine behind the training service', () => {
  it('pauses_resumes_stops_and_continues_from_its_checkpoint', async (ctx) => {
    if (reason) ctx.skip(reason);
    const runDir = join(root, 'run');
    const events: RunEvent[] = [];
    const job = startTraining(forkEngine, { project, projectPath: SAMPLE_PROJECT, runDir, cwd: root }, {
      onEvent(event) {
        events.push(event);
        if (event.type === 'batch' && !events.some((e) => e.type === 'status')) job.pause();
        if (event.type === 'status' && event.status === 'paused') job.resume();
        if (event.type === 'checkpoint' && events.some((e) => e.type === 'status' && e.status === 'resumed')) job.stop();
      },
    });
    const result = await job.result;
    expect(result.status).toBe('stopped');
    const start = events[0];
    expect(start?.type).toBe('start');
    if (start?.type !== 'start') return;
    expect(start.backend.name).toBe('pytorch');
    expect(start.backend.label).toMatch(/^PyTorch \d+\.\d+/);
    expect(start.backend.reason).toContain('has torch');
    expect(start.params).toEqual({ trainable: 61706, nonTrainable: 0, total: 61706 });
    expect(events.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status)).toEqual(['paused', 'resumed']);
    const record = await readRunRecord(runDir);
    expect(record.status).toBe('stopped');
    expect(record.backend.name).toBe('pytorch');
    expect(record.training.backend).toBe('pytorch');
    expect(record.kind).toBe('cnn');
    expect(record.checkpoints.length).toBeGreaterThanOrEqual(1);
    expect(record.checkpoints.length).toBeLessThan(4);
    // metrics.jsonl holds what the service forwarded.
    expect((await readRunEvents(runDir)).events).toEqual(events);

    // Resume: the run's own settings say pytorch, so the PyTorch engine continues it.
    const resumed: RunEvent[] = [];
    const again = await resumeTraining(forkEngine, runDir, { onEvent: (e) => resumed.push(e) });
    const done = await again.result;
    expect(done).toMatchObject({ status: 'completed', epochs: 4 });
    expect(resumed[0]).toMatchObject({ type: 'start', resumedFrom: record.epochsCompleted });
    expect(epochEvents(resumed).map((e) => e.epoch)).toEqual(Array.from({ length: 4 - record.epochsCompleted }, (_, i) => record.epochsCompleted + 1 + i));
    const artifacts = await readRunArtifacts(runDir);
    expect(artifacts.record).toMatchObject({ status: 'completed', epochsCompleted: 4, finalWeights: 'weights' });
    expect(Object.keys(artifacts.weights).sort()).toEqual(['c1', 'c3', 'c5', 'f6', 'output']);
    expect(artifacts.weights.c1!.kernel!.shape).toEqual([5, 5, 1, 6]);
    expect(await readdir(join(runDir, 'checkpoints'))).toEqual(expect.arrayContaining(['best', 'epoch-0001', 'epoch-0004']));
  });

  it('without_python_it_says_how_to_get_pytorch_and_writes_nothing', async () => {
    const runDir = join(root, 'no-python');
    const job = startPytorchTraining({ project: project ?? (await readProjectFile(SAMPLE_PROJECT)), projectPath: SAMPLE_PROJECT, datasetPath: SAMPLE_DATASET, runDir, resume: false, python: join(root, 'no-such-python') });
    await expect(job.result).rejects.toMatchObject({ code: 'backend-unavailable', message: expect.stringContaining('needs Python 3 with torch'), hint: expect.stringContaining('pip install torch') });
    await expect(readdir(runDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
