import type { ModelGraph } from '../../../src/shared/graph/model-graph';
import type { TrainingSettings } from '../../../src/shared/project/settings';
import { trainRun } from '../../../src/main/services/training/trainer';
import { chain } from '../../support/graph-fixtures';
import { recordingContext, smallProject, trainParams } from '../../support/training-fixtures';

/** A network small enough to train in a moment, with every kind of weight (kernel, bias, batch-norm statistics). */
export function tinyNet(classes: number, size = 28): ModelGraph {
  return chain([size, size, 1], [
    ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }],
    ['bn', 'BatchNorm'],
    ['pool', 'MaxPool2D'],
    ['flat', 'Flatten'],
    ['dense', 'Dense', { units: 8 }],
  ], { classes });
}

/** Trains `tinyNet` in this process into `runDir` (the engine process runs the same code). */
export async function trainTinyRun(runDir: string, dataset: string, classes: number, training: Partial<TrainingSettings> = {}): Promise<void> {
  const project = smallProject(tinyNet(classes), { epochs: 2, batchSize: 8, ...training });
  await trainRun(trainParams(project, runDir, dataset), recordingContext());
}
