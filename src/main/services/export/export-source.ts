import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { preprocessingSchema, resolvePreprocessing } from '../../../shared/project/preprocessing';
import type { Project } from '../../../shared/project/project';
import type { WeightSet } from '../../../shared/weights';
import { fileReadError } from '../files/atomic-write';
import { readProjectFile } from '../project/project-files';
import { readBaselineRecord } from '../baseline/baseline-file';
import { readRunArtifacts } from '../runs/run-folder';
import { readWeightsFolder } from '../runs/weights-folder';

/** Files an imported model's weights folder may carry beside weights.json/weights.bin. */
export const WEIGHTS_FOLDER_EXTRAS = { labels: 'labels.json', preprocessing: 'preprocessing.json' } as const;

/** What an export starts from: a trained run, or a project (with its initial weights, or none yet). */
export interface ExportSource {
  kind: 'run' | 'project';
  name: string;
  graph: ModelGraph;
  /** Null when the project has no weights yet: the exporter initialises them as training would. */
  weights: WeightSet | null;
  /** The folder the weights were read from, named when they do not fit the network. */
  weightsPath?: string;
  labels?: string[];
  preprocessing?: Preprocessing;
  /** The project's seed, for random initial weights. */
  seed: number | null;
  warnings: string[];
}

/** Reads a run folder (a directory) or a project file for export. */
export async function readExportSource(path: string): Promise<ExportSource> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw fileReadError(path, error, 'a run folder or a project file');
  }
  if (isDirectory) {
    const run = await readRunArtifacts(path);
    if (run.record.kind === 'baseline' && (await readBaselineRecord(path)).features.kind === 'hog') {
      throw new StudioError('invalid-argument', `The run in ${path} is a HOG baseline: its classifier reads HOG features, which no exported model can compute from an image.`, {
        hint: 'Export a CNN run instead (a pixels baseline exports as an ordinary network).',
        where: path,
      });
    }
    const warnings = run.record.status === 'completed' ? [] : [`The run in ${path} is ${run.record.status}; its last saved weights (${run.weightsFrom}) are exported.`];
    return { kind: 'run', name: run.project.name, graph: run.project.graph, weights: run.weights, weightsPath: join(path, run.weightsFrom), labels: run.labels, preprocessing: run.preprocessing, seed: run.project.training.seed, warnings };
  }
  return readProjectSource(path, await readProjectFile(path));
}

async function readProjectSource(path: string, project: Project): Promise<ExportSource> {
  const base: ExportSource = { kind: 'project', name: project.name, graph: project.graph, weights: null, seed: project.training.seed, warnings: [] };
  if (project.initialWeights) {
    const folder = resolve(dirname(path), project.initialWeights.path);
    base.weights = await readWeightsFolder(folder);
    base.weightsPath = folder;
    const labels = await readOptionalJson(join(folder, WEIGHTS_FOLDER_EXTRAS.labels), z.array(z.string().min(1).max(500)).min(1));
    const preprocessing = await readOptionalJson(join(folder, WEIGHTS_FOLDER_EXTRAS.preprocessing), preprocessingSchema);
    if (labels) base.labels = labels;
    if (preprocessing) base.preprocessing = preprocessing;
    base.warnings.push(`${path} is a project, not a trained run: the export holds its initial weights (${project.initialWeights.origin}).`);
  } else {
    base.warnings.push(`${path} is a project that has not been trained: the export holds random initial weights${project.training.seed === null ? '' : ` (seed ${project.training.seed})`}. Export a run folder for a trained model.`);
  }
  if (!base.preprocessing) {
    const input = project.graph.nodes.find((n) => n.kind === 'Input');
    const size = { height: Number(input?.params.height ?? 28), width: Number(input?.params.width ?? 28), channels: Number(input?.params.channels ?? 1) };
    if (project.dataset.normalization === 'dataset-mean-std') {
      base.warnings.push('The normalisation "dataset-mean-std" is only known once a run has measured the dataset, so the export carries no normalisation metadata.');
    } else {
      base.preprocessing = resolvePreprocessing(project.dataset.normalization, size, project.dataset.resize);
    }
  }
  if (!base.labels) base.warnings.push('The class names are only known once a run has read the dataset, so the export carries no labels.');
  return base;
}

/** A JSON file that may be absent; a damaged one is a sentence. */
async function readOptionalJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileReadError(path, error);
  }
  let parsed: ReturnType<typeof schema.safeParse>;
  try {
    parsed = schema.safeParse(JSON.parse(text));
  } catch {
    parsed = { success: false } as ReturnType<typeof schema.safeParse>;
  }
  if (!parsed.success) throw new StudioError('invalid-project', `${path} is damaged (not the JSON it should be).`, { hint: 'Delete it, or import the model again.', where: path });
  return parsed.data;
}
