import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import type { insightTargetSchema } from '../../../shared/insight/insight-jobs';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { resolvePreprocessing } from '../../../shared/project/preprocessing';
import { projectFromFile } from '../../../shared/project/codec';
import type { Project } from '../../../shared/project/project';
import type { BackendChoice } from '../../../shared/project/settings';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import type { WeightSet } from '../../../shared/weights';
import type { CompiledModel } from '../engine';
import { compileModel, loadBackend, readWeights } from '../engine';
import { RUN_FILES, readRunRecord } from '../runs/run-folder';
import { readWeightsFolder } from '../runs/weights-folder';
import { writeMatchingWeights } from '../training/initial-weights';
import { inputGeometry } from '../training/training-data';
import { loadRunModel } from './run-model';

type InsightTarget = z.output<typeof insightTargetSchema>;

/** A network compiled with the weights to look at, and what it takes to feed it an image. Dispose when done. */
export interface InsightModel {
  source: 'run' | 'project';
  project: Project;
  flat: FlatGraph;
  compiled: CompiledModel;
  /** The weights in the model (what the filter views show). */
  weights: WeightSet;
  preprocessing: Preprocessing;
  /** Class names in output order (a project, which has no dataset scanned, gets `class-0`, `class-1`, ...). */
  labels: string[];
  /** The run's weights folder that was read, or `initialisation` for a project. */
  weightsFrom: string;
  /** A sentence on where the weights come from. */
  origin: string;
  /** The run folder, or null for a project. */
  runDir: string | null;
  dispose(): void;
}

/** Loads a run (its chosen weights and preprocessing) or a project (its starting weights) into the engine. */
export async function openInsightModel(target: InsightTarget, backend: BackendChoice): Promise<InsightModel> {
  return target.kind === 'run' ? openRun(target.runDir, target.weights, backend) : openProject(projectFromFile(target.project), target.projectPath, backend);
}

async function openRun(runDir: string, weights: Extract<InsightTarget, { kind: 'run' }>['weights'], backend: BackendChoice): Promise<InsightModel> {
  if ((await readRunRecord(runDir)).kind === 'baseline') {
    // A baseline's network is a classifier on hand-crafted features (HOG), not on the image.
    throw new StudioError('invalid-argument', `The run in ${runDir} is a hand-crafted baseline (image features and a softmax classifier), not a convolutional network, so it has no filters or feature maps to show.`, {
      hint: 'Give a run trained from a network project.',
      where: runDir,
    });
  }
  if (weights === 'initial' && !(await isFolder(join(runDir, RUN_FILES.initial)))) {
    throw new StudioError('run-invalid', `The run in ${runDir} did not keep the weights it started from (it has no ${RUN_FILES.initial} folder).`, {
      hint: 'Runs trained with this version keep them; train again to compare before and after training.',
      where: runDir,
    });
  }
  const run = await loadRunModel(runDir, { backend, weights });
  const flat = analyzeGraph(run.artifacts.project.graph).flat!;
  return {
    source: 'run',
    project: run.artifacts.project,
    flat,
    compiled: run.compiled,
    weights: run.artifacts.weights,
    preprocessing: run.artifacts.preprocessing,
    labels: run.artifacts.labels,
    weightsFrom: run.artifacts.weightsFrom,
    origin: weights === 'initial' ? `the weights the run in ${runDir} started from` : `the run in ${runDir} (${run.artifacts.weightsFrom})`,
    runDir,
    dispose: run.dispose,
  };
}

async function openProject(project: Project, projectPath: string | null, backend: BackendChoice): Promise<InsightModel> {
  const analysis = analyzeGraph(project.graph);
  if (!analysis.flat) {
    const errors = analysis.issues.filter((i) => i.severity === 'error');
    throw new StudioError('invalid-graph', `The network cannot be run: ${errors.map((e) => (e.nodeId ? `${e.nodeId}: ` : '') + issueSentence(e)).join(' ')}`, {
      hint: 'Fix the errors shown by "cnn-studio inspect" (or the problems list) first.',
      where: projectPath ?? undefined,
    });
  }
  const flat = analysis.flat;
  const start = project.initialWeights ? await readWeightsFolder(resolveBeside(project.initialWeights.path, projectPath)) : null;
  await loadBackend(backend);
  const seed = project.training.seed;
  const compiled = compileModel(flat, { seed });
  try {
    // A project made with "replace head" holds weights for its kept layers only: the head starts seeded.
    if (start) await writeMatchingWeights(compiled, flat, start, project.initialWeights!.path, project.initialWeights!.path);
  } catch (error) {
    compiled.model.dispose();
    throw error;
  }
  const output = flat.nodes.find((n) => n.id === flat.outputId)!;
  const classes = output.params.classes as number;
  // dataset-mean-std needs the training split's statistics, which only a run has: pixel/255 stands in.
  const normalization = project.dataset.normalization === 'dataset-mean-std' ? 'pixel/255' : project.dataset.normalization;
  const preprocessing = resolvePreprocessing(normalization, inputGeometry(project), project.dataset.resize);
  const origin = project.initialWeights
    ? `the project's initial weights (${project.initialWeights.origin || project.initialWeights.path})`
    : seed === null
      ? 'an unseeded random initialisation (it differs every time; set a seed in the training settings to fix it)'
      : `the initialisation seeded with ${seed}, as training would start`;
  return {
    source: 'project',
    project,
    flat,
    compiled,
    weights: readWeights(compiled),
    preprocessing,
    labels: Array.from({ length: classes }, (_, i) => `class-${i}`),
    weightsFrom: 'initialisation',
    origin,
    runDir: null,
    dispose: () => compiled.model.dispose(),
  };
}

function resolveBeside(path: string, projectPath: string | null): string {
  return isAbsolute(path) || !projectPath ? path : resolve(dirname(projectPath), path);
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
