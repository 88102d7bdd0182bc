import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';
import { getKernel, registerGradient, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import { avgPoolGradWasm } from './avg-pool-grad';
import { avgPoolGradient } from './avg-pool-gradient';
import { biasAddWasm } from './bias-add';
import { batchNormTrainingGradient, batchNormTrainingGradWasm, batchNormTrainingWasm } from './batch-norm-training';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm } from './conv2d-backprop-kernels';
import { conv2dGradient } from './conv2d-gradient';
import { adamUpdateWasm } from './fused-adam';
import { batchMatMulWasm, sumWasm, tanhWasm } from './matmul-kernels';
import { maxPoolGradWasm } from './max-pool-grad';
import { reluGradient } from './relu-gradient';
import { sharedIdentityWasm } from './shared-identity';
import { conv2dSmallMapWasm, fusedConv2dSmallMapWasm } from './small-map-kernels';
import { tanhGradient, tanhGradWasm } from './tanh-gradient';

/**
 * The project-made training kernels for the WebAssembly backend, listed explicitly (as TF.js's
 * register_all_kernels does). Each replaces TF.js's kernel of the same name for wasm only.
 */
export function wasmTrainingKernels(): KernelConfig[] {
  // The replacements of existing kernels read TF.js's own config, so they are made on registration.
  return [
    conv2dBackpropInputWasm,
    conv2dBackpropFilterWasm,
    maxPoolGradWasm,
    avgPoolGradWasm,
    batchMatMulWasm(),
    sumWasm(),
    tanhWasm(),
    tanhGradWasm,
    biasAddWasm(),
    sharedIdentityWasm(),
    conv2dSmallMapWasm(),
    fusedConv2dSmallMapWasm(),
    batchNormTrainingWasm,
    batchNormTrainingGradWasm,
    adamUpdateWasm,
  ];
}

/** Gradients registered on every backend: replacements fixing a limitation or a defect of TF.js 4.22's, and the fused batch-norm op's. */
export const PROJECT_GRADIENTS: readonly GradConfig[] = [conv2dGradient, avgPoolGradient, batchNormTrainingGradient, reluGradient, tanhGradient];

let kernelsRegistered = false;
let gradientsRegistered = false;

/**
 * Registers the project-made wasm kernels (after `@tensorflow/tfjs-backend-wasm` is imported, before
 * the backend starts) and the project's gradients. Idempotent; other backends keep TF.js's kernels.
 */
export function registerWasmTrainingKernels(): void {
  registerProjectGradients();
  if (kernelsRegistered) return;
  for (const config of wasmTrainingKernels()) {
    // Unregister first: TF.js only warns on a duplicate and we want the replacement to be explicit.
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  kernelsRegistered = true;
}

/** Registers the project's gradients (dilated Conv2D, AvgPool with padding, fused batch-norm training, Relu, Tanh) for every backend. Idempotent. */
export function registerProjectGradients(): void {
  if (gradientsRegistered) return;
  for (const config of PROJECT_GRADIENTS) registerGradient(config);
  gradientsRegistered = true;
}
