import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { replacing } from './kernel-replacement';

/**
 * Identity on wasm as a second reference to the same data, as TF.js's CPU backend does (its Reshape on
 * wasm does the same). TF.js's wasm Identity copies, and the engine clones every tensor it saves for a
 * gradient through Identity: 34 full copies of activations per LeNet-5 step. Tensor data is never
 * written after a kernel returns it (variables change by taking new data), so sharing is safe.
 */
export function sharedIdentityWasm(): KernelConfig {
  return replacing('Identity', (args, original) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
