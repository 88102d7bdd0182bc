import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import { groupedAddNKernel } from './addn-kernel';
import { highRankPadKernel } from './pad-kernel';

let registered = false;

/**
 * Replaces the WebGPU kernels of tfjs-backend-webgpu 4.22.0 that are wrong for the studio's graphs
 * (each module says what upstream lacks). Call after the package is imported (its kernels are
 * registered on import), before the backend runs. Idempotent.
 */
export function registerWebGpuKernels(): void {
  if (registered) return;
  const pad = getKernel('PadV2', 'webgpu');
  const reshape = getKernel('Reshape', 'webgpu');
  if (pad && reshape) {
    unregisterKernel('PadV2', 'webgpu');
    registerKernel(highRankPadKernel(pad, reshape));
  }
  const addN = getKernel('AddN', 'webgpu');
  if (addN) {
    unregisterKernel('AddN', 'webgpu');
    registerKernel(groupedAddNKernel(addN));
  }
  registered = true;
}
