import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointFolder } from '../../../../src/main/services/runs/checkpoints';
import { readRunRecord } from '../../../../src/main/services/runs/run-folder';
import { forkEngine } from '../../../../src/main/services/training/engine-channel';
import { startEngineJob } from '../../../../src/main/services/training/engine-jobs';
import { resumeTraining, startTraining } from '../../../../src/main/services/training/training-service';
import { StudioError } from '../../../../src/shared/errors';
import type { RunEvent } from '../../../../src/shared/run/run-events';
import { buildTemplate } from '../../../../src/shared/templates';
import { SAMPLE_DATASET, smallProject, tempDir } from '../../../support/training-fixtures';

// These tests fork the built engine (out/main/engine.js): `npm test` builds before it runs Vitest.
const lenet = () => buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 10 });

describe('the engine process', () => {
  it('killed_mid_training_the_parent_reports_it_and_the_checkpoints_survive', async () => {
    const run = join(await tempDir('kill'), 'run');
    const events: RunEvent[] = [];
    const job = startTraining(forkEngine, { project: smallProject(lenet(), { epochs: 50 }), projectPath: null, dataPath: SAMPLE_DATASET, runDir: run, cwd: process.cwd() }, {
      onEvent(event) {
        events.push(event);
        if (event.type === 'checkpoint' && event.epoch === 1) job.kill();
      },
    });
    const error = await job.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('engine-crashed');
    expect((error as StudioError).message).toBe('The training engine process was killed (SIGKILL; the system does this when memory runs out) before finishing.');
    expect((error as StudioError).hint).toContain('the run folder keeps every completed checkpoint');
    const record = await readRunRecord(run);
    expect(record.status).toBe('crashed');
    expect(record.checkpoints[0]).toBe(join('checkpoints', 'epoch-0001'));
    const checkpoint = await readCheckpointFolder(run, record.checkpoints[0]!);
    expect(checkpoint.state.epoch).toBe(1);
    expect((await readdir(join(run, 'checkpoints'))).filter((f) => f.includes('partial'))).toEqual([]);

    // The parent is still here, and the run resumes from its checkpoint.
    const resumed = await resumeTraining(forkEngine, run, {
      onEvent(event) {
        if (event.type === 'epoch' && event.epoch === 2) resumed.stop();
      },
    });
    const result = await resumed.result;
    expect(result.status).toBe('stopped');
    expect((await readRunRecord(run)).epochsCompleted).toBeGreaterThanOrEqual(2);
  });

  it('a_bad_job_fails_with_a_sentence_and_the_process_ends', async () => {
    const job = startEngineJob(forkEngine, 'predict', { runDir: '/nonexistent/run', files: ['/x.png'], backend: 'wasm' });
    const error = await job.result.catch((e: unknown) => e);
    expect((error as StudioError).code).toBe('run-invalid');
    expect((error as StudioError).sentence).toContain('/nonexistent/run is not a run folder');
  });
});
