import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * AddN over any number of tensors on WebGPU. Upstream (tfjs-backend-webgpu 4.22.0): AddN binds every
 * input as a storage buffer of one shader, and a device allows only `maxStorageBuffersPerShaderStage`
 * of them (8 by default, output included): with more inputs the pipeline is invalid, the submission is
 * dropped, and the sum reads as zeros. The studio sums one term per kernel in the weight-decay penalty
 * (train-step.ts), so any network of more than seven kernels with weight decay met it.
 *
 * Here the inputs are summed in groups that fit, and the partial sums again, with TF.js's own kernel.
 */

interface AddNArgs {
  inputs: TensorInfo[];
  backend: { device: { limits: { maxStorageBuffersPerShaderStage: number } }; disposeData(dataId: object): unknown };
}

/** TF.js's AddN for `webgpu`, grouping its inputs to the device's storage-buffer limit. */
export function groupedAddNKernel(addN: KernelConfig): KernelConfig {
  const original = addN.kernelFunc as unknown as (args: AddNArgs) => TensorInfo;
  const kernelFunc = (args: AddNArgs): TensorInfo => {
    const { inputs, backend } = args;
    // One binding is the output.
    const group = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    if (inputs.length <= group) return original(args);
    let terms = inputs;
    const partials: TensorInfo[] = [];
    while (terms.length > group) {
      const next: TensorInfo[] = [];
      for (let i = 0; i < terms.length; i += group) {
        const slice = terms.slice(i, i + group);
        if (slice.length === 1) {
          next.push(slice[0]!);
          continue;
        }
        const sum = original({ ...args, inputs: slice });
        partials.push(sum);
        next.push(sum);
      }
      terms = next;
    }
    const result = original({ ...args, inputs: terms });
    for (const t of partials) backend.disposeData(t.dataId);
    return result;
  };
  return { kernelName: addN.kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
