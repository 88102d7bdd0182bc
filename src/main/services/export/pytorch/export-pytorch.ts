import { stat } from 'node:fs/promises';
import { StudioError } from '../../../../shared/errors';
import type { ModelGraph } from '../../../../shared/graph/model-graph';
import type { Preprocessing } from '../../../../shared/project/preprocessing';
import type { Project } from '../../../../shared/project/project';
import type { FlatGraph } from '../../../../shared/shapes/analyze';
import { analyzeGraph } from '../../../../shared/shapes/analyze';
import { issueSentence } from '../../../../shared/shapes/issues';
import type { WeightSet } from '../../../../shared/weights';
import { fileReadError } from '../../files/atomic-write';
import { readProjectFile } from '../../project/project-files';
import { readRunArtifacts } from '../../runs/run-folder';
import { readExportSource } from '../export-source';
import { writeFolderAtomic } from '../output-paths';
import { howToRunText } from './launch-files';
import { PACKAGE_CONFIG_FILE } from './package-config';
import { buildPytorchPackage } from './package-files';
import { readPythonSources } from './python-sources';
import { checkWeightsFit } from './weight-fit';

export interface PytorchExportRequest {
  /** A run folder (its trained weights start the training) or a project file. */
  source: string;
  /** The package folder: new, empty, or a previous PyTorch package (replaced whole). */
  out: string;
  /** The studio's version, written into the files. */
  producerVersion: string;
}

export interface PytorchExportResult {
  dir: string;
  /** The files written, relative to `dir`, `/`-separated. */
  files: string[];
  /** How to run it, a few lines (for the CLI and the export panel). */
  howToRun: string;
  warnings: string[];
}

/** What a package is made from: a run's project and trained weights, or a project and its initial weights. */
interface PackageSource {
  kind: 'run' | 'project';
  project: Project;
  projectPath: string | null;
  weights: WeightSet | null;
  labels: string[] | null;
  preprocessing: Preprocessing | null;
  warnings: string[];
}

/**
 * Writes a self-contained PyTorch training package for a run or a project. From a run, training
 * starts from its trained weights; from a project, from its initial weights or PyTorch's
 * initialisation. The folder appears whole or not at all.
 */
export async function exportPytorchPackage(request: PytorchExportRequest): Promise<PytorchExportResult> {
  const source = await readPackageSource(request.source);
  const flat = flatGraphOf(source.project.name, source.project.graph);
  if (source.weights) checkWeightsFit(flat, source.weights, source.kind === 'run' ? `The weights of the run in ${request.source}` : `The initial weights of ${request.source}`);
  const files = buildPytorchPackage({
    flat,
    project: source.project,
    projectPath: source.projectPath,
    source: { kind: source.kind, path: request.source },
    weights: source.weights,
    labels: source.labels,
    preprocessing: source.preprocessing,
    producerVersion: request.producerVersion,
    pythonSources: await readPythonSources(),
  });
  await writeFolderAtomic(request.out, files, { what: 'a PyTorch training package', replaceable: (names) => names.includes(PACKAGE_CONFIG_FILE) });
  return { dir: request.out, files: files.map((f) => f.name), howToRun: howToRunText(), warnings: source.warnings };
}

async function readPackageSource(path: string): Promise<PackageSource> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw fileReadError(path, error, 'a run folder or a project file');
  }
  if (isDirectory) {
    const run = await readRunArtifacts(path);
    const warnings = run.record.status === 'completed' ? [] : [`The run in ${path} is ${run.record.status}; training continues from its last saved weights (${run.weightsFrom}).`];
    return { kind: 'run', project: run.project, projectPath: run.record.projectPath, weights: run.weights, labels: run.labels, preprocessing: run.preprocessing, warnings };
  }
  const project = await readProjectFile(path);
  // The export source resolves the initial weights and their labels and preprocessing as the ONNX export does.
  const source = await readExportSource(path);
  const warnings = source.weights ? [] : [`${path} has not been trained: training starts from PyTorch's initialisation.`];
  if (!source.labels) warnings.push('The class names will be the dataset\'s class folders, sorted by name, as in the studio.');
  return { kind: 'project', project, projectPath: path, weights: source.weights, labels: source.labels ?? null, preprocessing: source.preprocessing ?? null, warnings };
}

/** The expanded graph; a graph with errors is a StudioError listing them. */
export function flatGraphOf(name: string, graph: ModelGraph): FlatGraph {
  const analysis = analyzeGraph(graph);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length || !analysis.flat) {
    throw new StudioError('invalid-graph', `The network of ${name} has ${errors.length} error(s), so it cannot be exported: ${errors.map((e) => `${e.nodeId ? `${e.nodeId}: ` : ''}${issueSentence(e)}`).join(' ')}`, {
      hint: 'Fix them on the canvas or with "cnn-studio inspect", then export again.',
    });
  }
  return analysis.flat;
}
