import { dirname, isAbsolute, resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { matchWeights, unmatchedSentence } from '../../../shared/finetune/weight-match';
import type { Project } from '../../../shared/project/project';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import type { WeightSet } from '../../../shared/weights';
import type { CompiledModel } from '../engine';
import { readWeightsAsync, writeWeights } from '../engine';
import { readWeightsFolder } from '../runs/weights-folder';

/** Weights the project starts from (an imported model, a previous run), resolved beside the project file. */
export async function readInitialWeights(project: Project, projectPath: string | null): Promise<WeightSet | null> {
  if (!project.initialWeights) return null;
  const path = isAbsolute(project.initialWeights.path) || !projectPath ? project.initialWeights.path : resolve(dirname(projectPath), project.initialWeights.path);
  return readWeightsFolder(path);
}

/**
 * Writes the weights that fit, by node id (a network cut and given a new head, a layer changed since
 * the import); the layers that get none keep their seeded initialisation and are named in the
 * returned warning. Weights that fit no layer at all are an error naming `where`.
 */
export async function writeMatchingWeights(compiled: CompiledModel, flat: FlatGraph, weights: WeightSet, source: string, where: string): Promise<string[]> {
  const match = matchWeights(flat, weights);
  if (!match.loaded.length && match.unmatched.length) {
    throw new StudioError('run-invalid', `None of ${source} fit a layer of this network (${match.unmatched[0]!.detail}).`, {
      hint: 'The weights belong to another network: remove them from the project, or make the project again from its source.',
      where,
    });
  }
  // The layers that get none keep their seeded values: the model's own, read back (asynchronously, as WebGPU needs).
  writeWeights(compiled, { ...(await readWeightsAsync(compiled)), ...match.matched }, source);
  const sentence = unmatchedSentence(match, source);
  return sentence ? [sentence] : [];
}

/** Loads the project's starting weights where they fit (see writeMatchingWeights); returns the warnings. */
export async function loadInitialWeights(compiled: CompiledModel, flat: FlatGraph, project: Project, projectPath: string | null): Promise<string[]> {
  const start = await readInitialWeights(project, projectPath);
  if (!start) return [];
  const source = `the starting weights (${project.initialWeights!.origin || project.initialWeights!.path})`;
  return writeMatchingWeights(compiled, flat, start, source, project.initialWeights!.path);
}
