import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { simdKernelsFor } from '../simd-kernels/simd-module';
import { replacing } from './kernel-replacement';

/**
 * Add of a float32 tensor and a vector along its last axis (every layer's bias) in one SIMD pass where
 * the studio's kernels run; TF.js's broadcasting Add otherwise, and for every other shape.
 */
export function biasAddWasm(): KernelConfig {
  return replacing('Add', (args, original) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const isBias = (full: TensorInfo, v: TensorInfo) => full.shape.length >= 2 && v.shape.length === 1 && v.shape[0] === full.shape[full.shape.length - 1];
    const [full, vector] = isBias(a, b) ? [a, b] : isBias(b, a) ? [b, a] : [null, null];
    const simd = full && vector && full.dtype === 'float32' && vector.dtype === 'float32' ? simdKernelsFor(args.backend) : null;
    if (!simd || !full || !vector) return original(args) as TensorInfo;
    const cols = vector.shape[0]!;
    const out = args.backend.makeOutput(full.shape, 'float32');
    simd.exports.addRowVector(simd.pointer(full), simd.pointer(vector), simd.pointer(out), full.shape.reduce((p, d) => p * d, 1) / Math.max(cols, 1), cols);
    return out;
  });
}
