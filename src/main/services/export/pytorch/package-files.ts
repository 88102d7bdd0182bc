import type { OutputLoss } from '../../../../shared/layers/output';
import type { Preprocessing } from '../../../../shared/project/preprocessing';
import { serializeProject } from '../../../../shared/project/codec';
import type { Project } from '../../../../shared/project/project';
import type { FlatGraph } from '../../../../shared/shapes/analyze';
import type { WeightSet } from '../../../../shared/weights';
import { encodeWeights } from '../../../../shared/weights';
import type { FolderFile } from '../output-paths';
import { LAUNCH_FILES, pytorchJobText, readmeText, requirementsText, slurmText } from './launch-files';
import { generateModelSource } from './model-source';
import type { PytorchPackageConfig } from './package-config';
import { PACKAGE_CONFIG_FILE, START_WEIGHTS_FOLDER } from './package-config';

/** Everything a package is made from. */
export interface PytorchPackageInput {
  /** The expanded graph of `project` (analyzeGraph(project.graph).flat). */
  flat: FlatGraph;
  project: Project;
  projectPath: string | null;
  source: { kind: 'run' | 'project'; path: string };
  /** Starting weights (a run's trained ones, a project's initial ones), or null for PyTorch's initialisation. */
  weights: WeightSet | null;
  labels: string[] | null;
  preprocessing: Preprocessing | null;
  producerVersion: string;
  /** The fixed Python files (readPythonSources). */
  pythonSources: FolderFile[];
}

const encoder = new TextEncoder();
const text = (name: string, content: string): FolderFile => ({ name, data: encoder.encode(content) });

/** The package's settings file. */
export function packageConfig(input: Omit<PytorchPackageInput, 'pythonSources'>): PytorchPackageConfig {
  const { flat, project } = input;
  const inputNode = flat.nodes.find((n) => n.id === flat.inputId)!;
  const output = flat.nodes.find((n) => n.id === flat.outputId)!;
  const [height, width, channels] = inputNode.outputShape as readonly number[];
  // The network's own weights (disconnected layers are not part of it), as inspect counts them.
  const trainable = flat.nodes.reduce((sum, n) => sum + n.paramCount.trainable, 0);
  const nonTrainable = flat.nodes.reduce((sum, n) => sum + n.paramCount.nonTrainable, 0);
  const { validationSplit, resize, normalization, augmentation } = project.dataset;
  return {
    format: 'cnn-studio/pytorch-package',
    version: 1,
    producer: { name: 'cnn-studio', version: input.producerVersion },
    projectName: project.name,
    projectPath: input.projectPath,
    source: input.source,
    input: { height: height!, width: width!, channels: channels! },
    classes: output.outputShape[0]!,
    outputNode: output.id,
    loss: output.params.loss as OutputLoss,
    labels: input.labels,
    preprocessing: input.preprocessing,
    dataset: { validationSplit, resize, normalization, augmentation },
    training: project.training,
    params: { trainable, nonTrainable, total: trainable + nonTrainable },
    startWeights: input.weights ? START_WEIGHTS_FOLDER : null,
  };
}

/**
 * The files of a PyTorch training package: model.py (generated), the fixed Python files, the settings,
 * the project, the starting weights, labels and preprocessing when known, a README and launch files
 * for Slurm and Kubeflow.
 */
export function buildPytorchPackage(input: PytorchPackageInput): FolderFile[] {
  const config = packageConfig(input);
  const model = generateModelSource(input.flat, { projectName: input.project.name, params: config.params, producerVersion: input.producerVersion });
  // The project beside the package: its initial weights are the package's own weights/ now.
  const project: Project = { ...input.project, initialWeights: null };
  const files: FolderFile[] = [
    text('model.py', model.text),
    ...input.pythonSources,
    text(PACKAGE_CONFIG_FILE, `${JSON.stringify(config, null, 2)}\n`),
    text('project.cnnstudio', serializeProject(project)),
    text(LAUNCH_FILES.readme, readmeText(config)),
    text(LAUNCH_FILES.requirements, requirementsText()),
    text(LAUNCH_FILES.slurm, slurmText(config)),
    text(LAUNCH_FILES.kubernetes, pytorchJobText(config)),
  ];
  if (input.labels) files.push(text('labels.json', `${JSON.stringify(input.labels, null, 2)}\n`));
  if (input.preprocessing) files.push(text('preprocessing.json', `${JSON.stringify(input.preprocessing, null, 2)}\n`));
  if (input.weights) {
    const { manifest, data } = encodeWeights(input.weights);
    files.push({ name: `${START_WEIGHTS_FOLDER}/weights.bin`, data }, text(`${START_WEIGHTS_FOLDER}/weights.json`, `${JSON.stringify(manifest)}\n`));
  }
  return files;
}
