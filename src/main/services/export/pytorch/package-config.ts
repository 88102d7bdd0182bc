import type { OutputLoss } from '../../../../shared/layers/output';
import type { Preprocessing } from '../../../../shared/project/preprocessing';
import type { DatasetSettings, TrainingSettings } from '../../../../shared/project/settings';

/** The package's settings file, read by train.py, data.py and export_onnx.py. */
export const PACKAGE_CONFIG_FILE = 'cnn_studio.json';

/** The starting weights' folder inside the package (studio format). */
export const START_WEIGHTS_FOLDER = 'weights';

/** `cnn_studio.json`: everything the Python side needs besides model.py. */
export interface PytorchPackageConfig {
  format: 'cnn-studio/pytorch-package';
  version: 1;
  producer: { name: 'cnn-studio'; version: string };
  projectName: string;
  /** The project file the package was made from, when known (a run's record keeps it). */
  projectPath: string | null;
  /** What was exported: a trained run or a project. */
  source: { kind: 'run' | 'project'; path: string };
  input: { height: number; width: number; channels: number };
  classes: number;
  /** The Output node's id, for messages. */
  outputNode: string;
  loss: OutputLoss;
  /** Class names in output order (a run's); null: the dataset's class folders, sorted. */
  labels: string[] | null;
  /** The run's exact preprocessing; null: resolved from `dataset.normalization` when training starts. */
  preprocessing: Preprocessing | null;
  dataset: Pick<DatasetSettings, 'validationSplit' | 'resize' | 'normalization' | 'augmentation'>;
  training: TrainingSettings;
  params: { trainable: number; nonTrainable: number; total: number };
  /** Folder of the starting weights inside the package, or null for PyTorch's initialisation. */
  startWeights: string | null;
}
