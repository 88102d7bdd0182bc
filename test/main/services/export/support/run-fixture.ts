import { join } from 'node:path';
import { writeProjectFile } from '../../../../../src/main/services/project/project-files';
import { RUN_FILES, writeRunJson } from '../../../../../src/main/services/runs/run-folder';
import { writeWeightsFolder } from '../../../../../src/main/services/runs/weights-folder';
import type { ModelGraph } from '../../../../../src/shared/graph/model-graph';
import type { Preprocessing } from '../../../../../src/shared/project/preprocessing';
import { createProject } from '../../../../../src/shared/project/project';
import type { RunRecord } from '../../../../../src/shared/run/run-record';
import { RUN_FORMAT, RUN_VERSION } from '../../../../../src/shared/run/run-record';
import { trainingSettingsSchema } from '../../../../../src/shared/project/settings';
import type { WeightSet } from '../../../../../src/shared/weights';

/** Writes a completed run folder as the trainer leaves it (the parts export reads). */
export async function writeRunFolder(dir: string, graph: ModelGraph, weights: WeightSet, labels: string[], preprocessing: Preprocessing): Promise<void> {
  const record: RunRecord = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    id: 'run-test',
    kind: 'cnn',
    projectName: 'tiny',
    projectPath: null,
    status: 'completed',
    message: null,
    createdAt: '2026-11-25T10:00:00Z',
    updatedAt: '2026-11-25T10:05:00Z',
    finishedAt: '2026-11-25T10:05:00Z',
    backend: { name: 'wasm', label: 'WebAssembly', reason: 'test', gpu: null, versions: {} },
    pid: null,
    training: trainingSettingsSchema.parse({}),
    datasetPath: '/data',
    epochsPlanned: 1,
    epochsCompleted: 1,
    bestEpoch: null,
    checkpoints: [],
    finalWeights: RUN_FILES.weights,
  };
  await writeProjectFile(join(dir, RUN_FILES.project), createProject('tiny', graph));
  await writeRunJson(dir, RUN_FILES.labels, labels);
  await writeRunJson(dir, RUN_FILES.preprocessing, preprocessing);
  await writeWeightsFolder(join(dir, RUN_FILES.weights), weights);
  await writeRunJson(dir, RUN_FILES.record, record);
}
