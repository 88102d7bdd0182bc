import { basename, extname, join } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { UnmatchedNode } from '../../../shared/finetune/weight-match';
import { matchWeights } from '../../../shared/finetune/weight-match';
import { freezeUntil, replaceHead } from '../../../shared/finetune/graph-surgery';
import { withLayout } from '../../../shared/graph/layout';
import type { NormalizationPreset } from '../../../shared/project/preprocessing';
import { createProject } from '../../../shared/project/project';
import { fineTuningSettingsSchema } from '../../../shared/project/settings';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { writeFileAtomic } from '../files/atomic-write';
import { WEIGHTS_FOLDER_EXTRAS } from '../export/export-source';
import { writeWeightsFolder } from '../runs/weights-folder';
import { readFineTuneSource } from './fine-tune-source';
import { projectWithWeightsPaths, writeProjectWithWeights } from '../project/project-with-weights';

export interface FineTuneRequest {
  /** A run folder or an .onnx file. */
  from: string;
  /** The last layer of the source to keep (default: the one that fed its Output). */
  cutAfter?: string;
  /** Classes of the new dataset: the new Output's units. */
  classes: number;
  /** The project file to write (`.cnnstudio` is added when it has no extension). */
  out: string;
  force?: boolean;
  name?: string;
  /** The normalisation the source was trained with, when it does not say (an ONNX file without metadata). */
  normalization?: NormalizationPreset;
  /** Freeze this layer and everything before it in the new project. */
  freezeUntil?: string;
}

/** What `cnn-studio new --from` reports (`--json`). */
export interface FineTuneResult {
  project: string;
  weights: string;
  source: { kind: 'run' | 'onnx'; path: string; origin: string };
  cutAfter: string;
  /** The new layers after the cut (GlobalAvgPool when the body ends in a map, then the Output). */
  head: string[];
  /** Top-level layers of the source that were cut away. */
  removed: string[];
  layers: number;
  params: { trainable: number; nonTrainable: number; total: number };
  /** Flat layers that took the source's weights. */
  loaded: string[];
  /** Flat layers with weights of their own that got none from the source, with the reason. */
  withoutWeights: UnmatchedNode[];
  normalization: NormalizationPreset;
  frozen: string[];
  warnings: string[];
}

/**
 * "Replace head" as a new project: the source network cut after a layer, a new head for the new
 * classes, and beside the project a weights folder with the kept layers' weights (matched by node id),
 * referenced as the project's starting weights. Training starts from those; the head starts fresh.
 */
export async function createFineTuneProject(request: FineTuneRequest): Promise<FineTuneResult> {
  const paths = await projectWithWeightsPaths(request.out, request.force);
  const { project, weightsDir } = paths;
  const source = await readFineTuneSource(request.from);
  const warnings = [...source.warnings];
  const replaced = replaceHead(source.graph, { classes: request.classes, cutAfter: request.cutAfter });
  let graph = replaced.graph;
  let frozen: string[] = [];
  if (request.freezeUntil) ({ graph, frozen } = freezeUntil(graph, request.freezeUntil));
  const analysis = analyzeGraph(graph);
  if (!analysis.flat) {
    const errors = analysis.issues.filter((i) => i.severity === 'error').map((i) => i.message);
    throw new StudioError('invalid-graph', `The network cut after ${replaced.cutAfter} with a new head is not valid: ${errors.join(' ')}`, { hint: 'Cut it after another layer.', where: replaced.cutAfter });
  }
  const match = matchWeights(analysis.flat, source.weights);
  const normalization = request.normalization ?? source.normalization ?? 'pixel/255';
  if (request.normalization && source.normalization && request.normalization !== source.normalization) {
    warnings.push(`The source was trained with the ${source.normalization} normalisation, but the project uses ${request.normalization} as asked.`);
  }
  const positioned = graph.nodes.every((n) => n.position);
  const created = createProject(request.name ?? basename(project, extname(project)), positioned ? graph : withLayout(graph), {
    dataset: { normalization, ...(source.resize ? { resize: source.resize } : {}) },
    ...(source.training ? { training: { ...source.training, fineTuning: fineTuningSettingsSchema.parse({}) } } : {}),
  });
  created.initialWeights = { path: basename(weightsDir), origin: `${source.origin}, cut after ${replaced.cutAfter}` };

  await writeProjectWithWeights(paths, created, async (folder) => {
    await writeWeightsFolder(folder, match.matched);
    if (source.preprocessing && source.normalization === normalization) {
      await writeFileAtomic(join(folder, WEIGHTS_FOLDER_EXTRAS.preprocessing), `${JSON.stringify(source.preprocessing, null, 2)}\n`, { what: 'the preprocessing' });
    }
  });
  return {
    project,
    weights: weightsDir,
    source: { kind: source.kind, path: source.path, origin: source.origin },
    cutAfter: replaced.cutAfter,
    head: replaced.head,
    removed: replaced.removed,
    layers: graph.nodes.length,
    params: analysis.totals,
    loaded: match.loaded,
    withoutWeights: match.unmatched,
    normalization,
    frozen,
    warnings,
  };
}

