import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TrainJobParams } from '../../src/shared/api/engine-protocol';
import { trainJobParamsSchema } from '../../src/shared/api/engine-protocol';
import type { ModelGraph } from '../../src/shared/graph/model-graph';
import { projectToFile } from '../../src/shared/project/codec';
import type { Project } from '../../src/shared/project/project';
import { createProject } from '../../src/shared/project/project';
import type { TrainingSettings } from '../../src/shared/project/settings';
import type { RunEvent } from '../../src/shared/run/run-events';
import type { JobContext } from '../../src/main/services/training/job-context';
import { JobControl } from '../../src/main/services/training/job-control';

export const SAMPLE_DATASET = resolve(__dirname, '../../resources/datasets/fashion-mnist-sample');

/** A job context that records events and can be steered by the test. */
export function recordingContext(onEvent?: (event: RunEvent, control: JobControl) => void): JobContext & { events: RunEvent[] } {
  const control = new JobControl();
  const events: RunEvent[] = [];
  return {
    events,
    control,
    emit(event) {
      events.push(event);
      onEvent?.(event, control);
    },
    log() {},
  };
}

export function smallProject(graph: ModelGraph, training: Partial<TrainingSettings> = {}): Project {
  return createProject('test', graph, { training: { epochs: 2, batchSize: 32, seed: 7, backend: 'wasm', ...training } });
}

export function trainParams(project: Project, runDir: string, datasetPath = SAMPLE_DATASET, resume = false) {
  const params: TrainJobParams = { runDir, project: projectToFile(project), projectPath: null, datasetPath, resume, backend: 'wasm', batchEventInterval: 0 };
  return trainJobParamsSchema.parse(params);
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `cnn-${prefix}-`));
}

/** A copy of some classes of the sample dataset (first `perClass` train images of each), to change freely. */
export async function sampleSubset(classes: string[], perClass: number): Promise<string> {
  const dir = await tempDir('subset');
  for (const c of classes) {
    const files = (await readdir(join(SAMPLE_DATASET, 'train', c))).sort().slice(0, perClass);
    for (const f of files) await cp(join(SAMPLE_DATASET, 'train', c, f), join(dir, c, f));
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export const epochEvents = (events: RunEvent[]) => events.filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
export const batchEvents = (events: RunEvent[]) => events.filter((e): e is Extract<RunEvent, { type: 'batch' }> => e.type === 'batch');
