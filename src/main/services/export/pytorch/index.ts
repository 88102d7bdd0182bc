/** The PyTorch training package: model.py generated from the graph, plus the fixed Python files. */
export type { PytorchExportRequest, PytorchExportResult } from './export-pytorch';
export { exportPytorchPackage, flatGraphOf } from './export-pytorch';
export { howToRunText, jobSlug, LAUNCH_FILES } from './launch-files';
export type { ModelSource, ModelSourceOptions } from './model-source';
export { generateModelSource } from './model-source';
export type { PytorchPackageConfig } from './package-config';
export { PACKAGE_CONFIG_FILE, START_WEIGHTS_FOLDER } from './package-config';
export type { PytorchPackageInput } from './package-files';
export { buildPytorchPackage, packageConfig } from './package-files';
export { PYTHON_SOURCE_FILES, readPythonSources } from './python-sources';
export { pythonNames } from './python-names';
export { checkWeightsFit, expectedWeightShapes } from './weight-fit';
