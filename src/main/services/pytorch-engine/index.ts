/** The local PyTorch engine: the exported package's train.py, run as a Python process on this machine. */
export type { FindTorchPythonOptions, TorchPython, TorchPythonSearch } from './python-finder';
export { INSTALL_TORCH_HINT, defaultPythonCandidates, describeSearch, findTorchPython } from './python-finder';
export type { PytorchTrainingRequest } from './pytorch-training';
export { startPytorchTraining } from './pytorch-training';
