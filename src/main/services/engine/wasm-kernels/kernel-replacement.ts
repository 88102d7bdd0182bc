import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { getKernel } from '@tensorflow/tfjs';

/** What a wasm kernel function receives. */
export type KernelArgs = { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap; backend: BackendWasm };

/**
 * Wraps TF.js's own wasm kernel of the same name (kept for the cases ours does not take), with its
 * setup function, which must run when the backend starts. Call before the project's replacement of
 * the same kernel is registered: `getKernel` must still return TF.js's.
 */
export function replacing(kernelName: string, fast: (args: KernelArgs, original: KernelFunc) => TensorInfo): KernelConfig {
  const original = getKernel(kernelName, 'wasm');
  if (!original) throw new Error(`TF.js's wasm backend has no ${kernelName} kernel to replace.`);
  const originalFunc = original.kernelFunc as KernelFunc;
  return {
    kernelName,
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: ((args: KernelArgs) => fast(args, originalFunc)) as unknown as KernelFunc,
  };
}
