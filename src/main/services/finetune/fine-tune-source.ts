import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import type { NormalizationPreset, Preprocessing, ResizeMode } from '../../../shared/project/preprocessing';
import type { TrainingSettings } from '../../../shared/project/settings';
import type { WeightSet } from '../../../shared/weights';
import { fileReadError } from '../files/atomic-write';
import { matchingPreset } from '../export/import-model';
import { importOnnx } from '../export/onnx/import/onnx-importer';
import { readRunArtifacts } from '../runs/run-folder';

/** A trained network to fine-tune: a run of any project, or an ONNX model through the importer. */
export interface FineTuneSource {
  kind: 'run' | 'onnx';
  path: string;
  /** For people: "run 2026-11-25T10-00 of lenet5 (final weights)", "resnet18.onnx (pytorch 1.13, opset 13)". */
  origin: string;
  graph: ModelGraph;
  /** By flat node id, as the engine holds them. */
  weights: WeightSet;
  /** The exact preprocessing the network was trained with, when known (a run's, the file's metadata). */
  preprocessing: Preprocessing | null;
  /** The dataset settings that reproduce it: a preset when one matches. */
  normalization: NormalizationPreset | null;
  resize: ResizeMode | null;
  /** A run's training settings (optimizer, batch size, seed), kept for the new project. */
  training: TrainingSettings | null;
  warnings: string[];
}

/** Reads a run folder (a directory) or an ONNX file as the start of a fine-tuning project. */
export async function readFineTuneSource(path: string): Promise<FineTuneSource> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw fileReadError(path, error, 'a run folder or an ONNX model');
  }
  return isDirectory ? readRunSource(path) : readOnnxSource(path);
}

async function readRunSource(path: string): Promise<FineTuneSource> {
  const run = await readRunArtifacts(path);
  const warnings = run.record.status === 'completed' ? [] : [`The run in ${path} is ${run.record.status}; its last saved weights (${run.weightsFrom}) are used.`];
  const normalization = run.project.dataset.normalization;
  if (normalization === 'dataset-mean-std') {
    warnings.push(
      `The run normalised its images with its own dataset's mean and standard deviation (${run.preprocessing.mean.map((m) => m.toFixed(3)).join('/')}, ${run.preprocessing.std.map((m) => m.toFixed(3)).join('/')}); ` +
        'the new project measures its own dataset instead, so the kept layers see slightly different inputs. Choose a preset with --normalization to fix them.',
    );
  }
  return {
    kind: 'run',
    path,
    origin: `run ${basename(path)} of ${run.project.name} (${run.weightsFrom} weights)`,
    graph: run.project.graph,
    weights: run.weights,
    preprocessing: run.preprocessing,
    normalization,
    resize: run.project.dataset.resize,
    training: run.project.training,
    warnings,
  };
}

async function readOnnxSource(path: string): Promise<FineTuneSource> {
  if (extname(path).toLowerCase() !== '.onnx') {
    throw new StudioError('invalid-argument', `${path} is neither a run folder nor an .onnx model.`, { hint: 'Give the folder "cnn-studio train --out" wrote, or an ONNX file.', where: path });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileReadError(path, error, 'an ONNX model');
  }
  const fileName = basename(path);
  const imported = importOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileName);
  const input = imported.graph.nodes.find((n) => n.kind === 'Input')!.params as { height: number; width: number; channels: number };
  const preset = imported.preprocessing ? matchingPreset(imported.preprocessing, input) : null;
  const warnings = [...imported.warnings];
  if (!imported.preprocessing) {
    warnings.push(`${fileName} does not say how its images were normalised; choose the preset it was trained with using --normalization (torchvision's models: imagenet-torch).`);
  } else if (!preset) {
    warnings.push(`${fileName}'s normalisation (scale ${imported.preprocessing.scale}, mean ${imported.preprocessing.mean.join('/')}, std ${imported.preprocessing.std.join('/')}) is none of the presets; training uses the project's setting.`);
  }
  return {
    kind: 'onnx',
    path,
    origin: `imported from ${fileName}${imported.producer ? ` (${imported.producer}, opset ${imported.opset})` : ` (opset ${imported.opset})`}`,
    graph: imported.graph,
    weights: imported.weights,
    preprocessing: imported.preprocessing ?? null,
    normalization: preset,
    resize: imported.preprocessing?.resize ?? null,
    training: null,
    warnings,
  };
}
