import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { simdConv2dFilterGradient, simdConv2dInputGradient } from '../simd-kernels/simd-convolution';
import type { ConvGeometry } from './conv2d-gradient-math';
import { convFilterGradient, convInputGradient } from './conv2d-gradient-math';
import { wasmConvGradientOps } from './conv2d-gradient-ops';
import type { WasmKernelCalls } from './kernel-calls';
import { withKernelCalls } from './kernel-calls';
import { smallMapFilterGradient, smallMapInputGradient } from './small-map-kernels';

type Shape4D = [number, number, number, number];

/** The forward's geometry from the attributes TF.js gives its backprop kernels. */
function geometry(xShape: Shape4D, filterShape: Shape4D, attrs: Conv2DBackpropInputAttrs | Conv2DBackpropFilterAttrs): ConvGeometry {
  if (attrs.dataFormat !== 'NHWC') throw new Error(`Conv2D gradients on WebAssembly support NHWC only, got ${attrs.dataFormat}.`);
  const info = backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { top, bottom, left, right } = info.padInfo;
  return { strides: [info.strideHeight, info.strideWidth], dilations: [1, 1], pads: [top, bottom, left, right] };
}

/**
 * Conv2DBackpropInput on wasm (TF.js's own runs as naive loops): the studio's SIMD kernels where they
 * run (../simd-kernels). Otherwise, on maps smaller than the kernel, one
 * product with the unrolled filter (small-map-kernels.ts). Where the input is not much larger
 * than the output, a forward convolution of the spread-out dy with the flipped filter (XNNPACK); where
 * it is (strides, or a kernel as large as the map, as in LeNet's last convolution), that convolution
 * would mostly multiply zeros, so a matrix product dy·Wᵀ gives each output's columns and a scatter-add
 * (col2im) puts them back in place: the same work as the forward pass.
 */
export const conv2dBackpropInputWasm: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: Conv2DBackpropInputInputs; attrs: Conv2DBackpropInputAttrs; backend: BackendWasm }): TensorInfo => {
    const { dy, filter } = inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const inputShape = attrs.inputShape as Shape4D;
    const simd = simdConv2dInputGradient(backend, dy, filter, inputShape, attrs);
    if (simd) return simd;
    const g = geometry(inputShape, filter.shape as Shape4D, attrs);
    const [, h, w] = inputShape;
    const [, oh, ow] = dy.shape as Shape4D;
    return withKernelCalls(backend, (calls) => {
      const small = smallMapInputGradient(calls, dy, filter, inputShape, attrs);
      if (small) return small;
      if (h * w >= 2 * oh * ow) return inputGradientByColumns(calls, dy, filter, inputShape, g);
      return convInputGradient(wasmConvGradientOps(calls), dy, filter, inputShape, g);
    });
  }) as unknown as KernelFunc,
};

/** dx by dcol = dy·Wᵀ ([n·oh·ow, kh·kw·ci]) and a scatter-add of each column block into its window. */
function inputGradientByColumns(calls: WasmKernelCalls, dy: TensorInfo, filter: TensorInfo, inputShape: Shape4D, g: ConvGeometry): TensorInfo {
  const [n, h, w, ci] = inputShape;
  const [, oh, ow, co] = dy.shape as Shape4D;
  const [kh, kw] = filter.shape as Shape4D;
  const width = kh * kw * ci;
  const columns = calls.run('BatchMatMul', { a: calls.reshape(dy, [n * oh * ow, co]), b: calls.reshape(filter, [width, co]) }, { transposeA: false, transposeB: true });
  const out = calls.backend.makeOutput(inputShape, 'float32');
  // Views only after the last allocation: a growing wasm heap detaches older views.
  const dcol = calls.backend.typedArrayFromHeap(columns) as Float32Array;
  const dx = calls.backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const [sh, sw] = g.strides;
  const [top, , left] = g.pads;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const row = ((b * oh + i) * ow + j) * width;
        for (let r = 0; r < kh; r++) {
          const y = i * sh + r - top;
          if (y < 0 || y >= h) continue;
          for (let c = 0; c < kw; c++) {
            const x = j * sw + c - left;
            if (x < 0 || x >= w) continue;
            const target = ((b * h + y) * w + x) * ci;
            const source = row + (r * kw + c) * ci;
            for (let k = 0; k < ci; k++) dx[target + k] = dx[target + k]! + dcol[source + k]!;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Conv2DBackpropFilter on wasm, which TF.js 4.22 lacks: the studio's SIMD kernels where they run; on maps smaller than the kernel, xᵀ·dy folded
 * into the taps (small-map-kernels.ts); otherwise through XNNPACK's forward convolution.
 */
export const conv2dBackpropFilterWasm: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: Conv2DBackpropFilterInputs; attrs: Conv2DBackpropFilterAttrs; backend: BackendWasm }): TensorInfo => {
    const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const filterShape = attrs.filterShape as Shape4D;
    const simd = simdConv2dFilterGradient(backend, x, dy, filterShape, attrs);
    if (simd) return simd;
    const g = geometry(x.shape as Shape4D, filterShape, attrs);
    return withKernelCalls(backend, (calls) => smallMapFilterGradient(calls, x, dy, filterShape, attrs) ?? convFilterGradient(wasmConvGradientOps(calls), x, dy, filterShape, g));
  }) as unknown as KernelFunc,
};
