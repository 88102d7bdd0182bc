import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { AvgPoolGradAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { simdKernelsFor } from '../simd-kernels/simd-module';

/**
 * AvgPoolGrad on wasm as one pass over the windows, channels innermost (four at a time where the
 * studio's SIMD kernels run), straight on the wasm heap:
 * each window's dy, divided by the window's full size (TF.js's definition; the AvgPool gradient in
 * avg-pool-gradient.ts rescales dy first where windows overlap the padding). About three times faster
 * than TF.js 4.22's wasm kernel (measured on LeNet-5's first pooling), a visible part of its step.
 */
export const avgPoolGradWasm: KernelConfig = {
  kernelName: 'AvgPoolGrad',
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: { dy: TensorInfo; input: TensorInfo }; attrs: AvgPoolGradAttrs & { dimRoundingMode?: 'floor' | 'round' | 'ceil' }; backend: BackendWasm }): TensorInfo => {
    const { dy, input } = inputs;
    const [n, h, w, c] = input.shape as [number, number, number, number];
    const info = backend_util.computePool2DInfo([n, h, w, c], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const out = backend.makeOutput(input.shape, 'float32');
    const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const scale = 1 / (kh * kw);
    const simd = simdKernelsFor(backend);
    if (simd) {
      simd.exports.setGeometry(h, w, c, kh, kw, sh, sw, 1, 1, top, left, oh, ow, c);
      simd.exports.avgPoolGradient(simd.pointer(dy), simd.pointer(out), n, scale);
      return out;
    }
    // Views only after the last allocation: a growing wasm heap detaches older views.
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const r0 = Math.max(0, i * sh - top);
        const r1 = Math.min(h, i * sh - top + kh);
        for (let j = 0; j < ow; j++) {
          const c0 = Math.max(0, j * sw - left);
          const c1 = Math.min(w, j * sw - left + kw);
          const gBase = ((b * oh + i) * ow + j) * c;
          for (let r = r0; r < r1; r++) {
            for (let k = c0; k < c1; k++) {
              const base = ((b * h + r) * w + k) * c;
              for (let ch = 0; ch < c; ch++) dx[base + ch] = dx[base + ch]! + g[gBase + ch]! * scale;
            }
          }
        }
      }
    }
    return out;
  }) as unknown as KernelFunc,
};
