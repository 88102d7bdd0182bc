import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { withLayout } from '../../../shared/graph/layout';
import type { NormalizationPreset, Preprocessing } from '../../../shared/project/preprocessing';
import { NORMALIZATION_PRESETS, resolvePreprocessing } from '../../../shared/project/preprocessing';
import { createProject } from '../../../shared/project/project';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { fileReadError, writeFileAtomic } from '../files/atomic-write';
import { writeWeightsFolder } from '../runs/weights-folder';
import { WEIGHTS_FOLDER_EXTRAS } from './export-source';
import { importOnnx } from './onnx/import/onnx-importer';
import { projectWithWeightsPaths, writeProjectWithWeights } from '../project/project-with-weights';

export interface ImportRequest {
  /** The .onnx file. */
  model: string;
  /** The project file to write (`.cnnstudio` is added when it has no extension). */
  out: string;
  /** Replace an existing project and weights folder. */
  force?: boolean;
}

export interface ImportResult {
  /** The project file written. */
  project: string;
  /** Its weights folder, `PROJECT.weights/` beside it. */
  weights: string;
  layers: number;
  params: { trainable: number; nonTrainable: number; total: number };
  labels: string[] | null;
  /** The dataset normalisation preset the project got, or null when the file said nothing. */
  normalization: NormalizationPreset | null;
  warnings: string[];
}

/**
 * Imports an ONNX model as a project: the graph (laid out for the canvas), and beside the project a
 * weights folder referenced by `initialWeights` (with labels.json and preprocessing.json when the file's
 * metadata has them). The preprocessing goes into the dataset settings when it is one of the presets.
 */
export async function importModelToProject(request: ImportRequest): Promise<ImportResult> {
  const paths = await projectWithWeightsPaths(request.out, request.force);
  const { project, weightsDir } = paths;
  let bytes: Buffer;
  try {
    bytes = await readFile(request.model);
  } catch (error) {
    throw fileReadError(request.model, error, 'an ONNX model');
  }
  const fileName = basename(request.model);
  const imported = importOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileName);
  const warnings = [...imported.warnings];
  const input = imported.graph.nodes.find((n) => n.kind === 'Input')!.params as { height: number; width: number; channels: number };
  const preset = imported.preprocessing ? matchingPreset(imported.preprocessing, input) : null;
  if (imported.preprocessing && !preset) {
    warnings.push(`${fileName}'s normalisation (scale ${imported.preprocessing.scale}, mean ${imported.preprocessing.mean.join('/')}, std ${imported.preprocessing.std.join('/')}) is none of the presets; the exact values are kept in ${join(basename(weightsDir), WEIGHTS_FOLDER_EXTRAS.preprocessing)} and exports, but training uses the project's dataset setting.`);
  }
  const name = basename(project, extname(project));
  const created = createProject(name, withLayout(imported.graph), {
    dataset: { ...(imported.preprocessing ? { resize: imported.preprocessing.resize } : {}), ...(preset ? { normalization: preset } : {}) },
  });
  created.initialWeights = { path: basename(weightsDir), origin: `imported from ${fileName}${imported.producer ? ` (${imported.producer}, opset ${imported.opset})` : ` (opset ${imported.opset})`}` };

  await writeProjectWithWeights(paths, created, async (folder) => {
    await writeWeightsFolder(folder, imported.weights);
    const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    if (imported.labels) await writeFileAtomic(join(folder, WEIGHTS_FOLDER_EXTRAS.labels), text(imported.labels), { what: 'the labels' });
    if (imported.preprocessing) await writeFileAtomic(join(folder, WEIGHTS_FOLDER_EXTRAS.preprocessing), text(imported.preprocessing), { what: 'the preprocessing' });
  });
  const totals = analyzeGraph(imported.graph).totals;
  return { project, weights: weightsDir, layers: imported.graph.nodes.length, params: totals, labels: imported.labels ?? null, normalization: preset, warnings };
}

/** The preset whose values are the file's (within float32 rounding), or null. */
export function matchingPreset(p: Preprocessing, input: { height: number; width: number; channels: number }): NormalizationPreset | null {
  const close = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-6 * Math.max(1, Math.abs(v)));
  for (const preset of NORMALIZATION_PRESETS) {
    if (preset === 'dataset-mean-std') continue;
    const q = resolvePreprocessing(preset, input, p.resize);
    if (close([p.scale], [q.scale]) && close(p.mean, q.mean) && close(p.std, q.std) && p.channelOrder === q.channelOrder) return preset;
  }
  return null;
}

