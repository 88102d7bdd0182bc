import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../shared/errors';
import type { InputLayout } from '../../../shared/onnx/opsets';
import { DEFAULT_OPSET } from '../../../shared/onnx/opsets';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import type { WeightSet } from '../../../shared/weights';
import { compileModel, readWeights } from '../engine';
import { writeFileAtomic } from '../files/atomic-write';
import type { ExportSource } from './export-source';
import { readExportSource } from './export-source';
import { exportOnnx } from './onnx/onnx-writer';
import { writeFolderAtomic } from './output-paths';
import { TFJS_FILES, exportTfjs } from './tfjs/tfjs-exporter';

export const EXPORT_FORMATS = ['onnx', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  /** A run folder or a project file. */
  source: string;
  format: ExportFormat;
  /** The .onnx file, or the folder of a TF.js export. */
  out: string;
  opset?: number;
  layout?: InputLayout;
  logits?: boolean;
  /** The studio's version, written into the files. */
  producerVersion: string;
}

/** What an export wrote (src/shared/api/engine-protocol.ts `exportJobResultSchema`). */
export interface ExportResult {
  format: ExportFormat;
  /** The ONNX file written. */
  file?: string;
  /** The TF.js folder written. */
  dir?: string;
  /** The ONNX opset; null for TF.js. */
  opset: number | null;
  warnings: string[];
}

/**
 * Exports a run (trained weights) or a project (its initial weights, or random ones as training would
 * start from) to ONNX or TF.js. The output appears whole or not at all.
 */
export async function exportModel(request: ExportRequest): Promise<ExportResult> {
  if (request.format === 'tfjs' && (request.opset !== undefined || request.layout !== undefined || request.logits)) {
    throw new StudioError('invalid-argument', 'The opset, layout and logits options apply to ONNX exports only.', { hint: 'Leave them out with --format tfjs.' });
  }
  const source = await readExportSource(request.source);
  const flat = flatGraphOf(source, request.source);
  const weights = source.weights ?? (await initialWeights(flat, source.seed));
  const warnings = [...source.warnings];
  if (request.format === 'onnx') {
    const opset = request.opset ?? DEFAULT_OPSET;
    const bytes = await naming(source, () => exportOnnx({
      flat,
      weights,
      labels: source.labels,
      preprocessing: source.preprocessing,
      opset,
      layout: request.layout ?? 'nchw',
      logits: request.logits ?? false,
      producerVersion: request.producerVersion,
      modelName: source.name,
    }));
    await writeFileAtomic(request.out, bytes, { what: 'the ONNX model' });
    return { format: 'onnx', file: request.out, opset, warnings };
  }
  const files = await naming(source, () => exportTfjs({ flat, weights, labels: source.labels, preprocessing: source.preprocessing, producerVersion: request.producerVersion }));
  await writeFolderAtomic(request.out, files, { what: 'a TF.js model', replaceable: (names) => names.includes(TFJS_FILES.model) });
  return { format: 'tfjs', dir: request.out, opset: null, warnings };
}

function flatGraphOf(source: ExportSource, path: string): FlatGraph {
  const analysis = analyzeGraph(source.graph);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length || !analysis.flat) {
    throw new StudioError('invalid-graph', `The network of ${source.name} has ${errors.length} error(s), so it cannot be exported: ${errors.map((e) => `${e.nodeId ? `${e.nodeId}: ` : ''}${issueSentence(e)}`).join(' ')}`, {
      hint: 'Fix them on the canvas or with "cnn-studio inspect", then export again.',
      where: path,
    });
  }
  return analysis.flat;
}

/**
 * Weights that do not fit the network are reported by the layer at fault; the folder they were read
 * from is named too, so the person knows which run or import is damaged.
 */
async function naming<T>(source: ExportSource, write: () => T | Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StudioError && error.code === 'run-invalid' && source.weightsPath && !error.message.includes(source.weightsPath)) {
      throw new StudioError(error.code, `${source.weightsPath}: ${error.message}`, { hint: error.hint, where: error.where ?? source.weightsPath, cause: error });
    }
    throw error;
  }
}

/** The weights training would start from: the engine's seeded initialisation (fixed filters included). */
async function initialWeights(flat: FlatGraph, seed: number | null): Promise<WeightSet> {
  await tf.ready();
  const compiled = compileModel(flat, { seed });
  try {
    return readWeights(compiled);
  } finally {
    compiled.model.dispose();
  }
}
