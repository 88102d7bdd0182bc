/**
 * The TF.js engine: backend choice, the graph compiler, weight interchange. Runs only inside the
 * engine process (forked Node process or Electron utilityProcess).
 */
export type { BackendChoice, BackendInfo } from './backends';
export { BACKEND_CHOICES, loadBackend } from './backends';
export type { CompiledModel, CompiledNode, CompileOptions } from './compile-model';
export { compileModel, countWeights } from './compile-model';
export { readWeights, unusedWeights, writeWeights } from './model-weights';
export { registerProjectGradients, registerWasmTrainingKernels } from './wasm-kernels';
export { setTrainingStep } from './training-step';
