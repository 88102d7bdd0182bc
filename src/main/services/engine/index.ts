/**
 * The TF.js engine: backend choice, the graph compiler, weight interchange. Runs only inside the
 * engine process (forked Node process or Electron utilityProcess).
 */
export type { BackendChoice, BackendInfo, BackendOptions } from './backends';
export { BACKEND_CHOICES, loadBackend } from './backends';
export type { CompiledModel, CompiledNode, CompileOptions } from './compile-model';
export { compileModel, countWeights } from './compile-model';
export { readWeights, readWeightsAsync, unusedWeights, writeWeights } from './model-weights';
export { assertWebGpuHealthy } from './webgpu-backend';
export { registerProjectGradients, registerWasmTrainingKernels } from './wasm-kernels';
export { setTrainingStep } from './training-step';
export type { DataParallelOptions, StepTimings } from './parallel/data-parallel-trainer';
export { DataParallelTrainer, shardSizes } from './parallel/data-parallel-trainer';
export { wasmThreadsSupported } from './parallel/threaded-wasm';
export { createAdamOptimizer, FusedAdamOptimizer } from './wasm-kernels/fused-adam';
