import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { simdKernelsFor } from '../simd-kernels/simd-module';

/**
 * MaxPoolGrad on wasm: each output's gradient goes to the first maximum of its window (padded cells
 * never count), as the cpu backend does. TF.js 4.22's wasm kernel gives wrong gradients for several
 * windows (2x2 stride 2 among them) and is slow; this one is one pass over the windows, channels
 * innermost (four at a time where the studio's SIMD kernels run), straight on the wasm heap.
 */
export const maxPoolGradWasm: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: { dy: TensorInfo; input: TensorInfo }; attrs: MaxPoolGradAttrs; backend: BackendWasm }): TensorInfo => {
    const { dy, input } = inputs;
    const [n, h, w, c] = input.shape as [number, number, number, number];
    const info = backend_util.computePool2DInfo([n, h, w, c], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const out = backend.makeOutput(input.shape, 'float32');
    const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const simd = input.dtype === 'float32' ? simdKernelsFor(backend) : null;
    if (simd) {
      simd.exports.setGeometry(h, w, c, kh, kw, sh, sw, 1, 1, top, left, oh, ow, c);
      simd.exports.maxPoolGradient(simd.pointer(input), simd.pointer(dy), simd.pointer(out), n);
      return out;
    }
    // Views only after the last allocation: a growing wasm heap detaches older views.
    const x = backend.typedArrayFromHeap(input) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    const best = new Float32Array(c);
    const where = new Int32Array(c);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const r0 = Math.max(0, i * sh - top);
        const r1 = Math.min(h, i * sh - top + kh);
        for (let j = 0; j < ow; j++) {
          const c0 = Math.max(0, j * sw - left);
          const c1 = Math.min(w, j * sw - left + kw);
          best.fill(-Infinity);
          where.fill(-1);
          for (let r = r0; r < r1; r++) {
            for (let k = c0; k < c1; k++) {
              const base = ((b * h + r) * w + k) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = x[base + ch]!;
                // Strictly greater keeps the first maximum; NaN and -Infinity never win (as on cpu).
                if (v > best[ch]!) {
                  best[ch] = v;
                  where[ch] = base + ch;
                }
              }
            }
          }
          const gBase = ((b * oh + i) * ow + j) * c;
          for (let ch = 0; ch < c; ch++) {
            const at = where[ch]!;
            if (at >= 0) dx[at] = dx[at]! + g[gBase + ch]!;
          }
        }
      }
    }
    return out;
  }) as unknown as KernelFunc,
};
