import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import type { WasmKernelCalls } from './kernel-calls';
import { withKernelCalls } from './kernel-calls';
import { replacing } from './kernel-replacement';
import type { ConvAttrs } from '../simd-kernels/simd-convolution';
import { simdConv2d } from '../simd-kernels/simd-convolution';
import { matMulAsConvolution } from './matmul-kernels';
import type { SmallMapPlan } from './small-map-convolution';
import { foldFilterGradient, smallMapPlan, unrollFilter, unrollFilterTransposed } from './small-map-convolution';

type Shape4D = [number, number, number, number];

/** The forward's geometry and, when the maps are small enough, the unrolled-product plan. */
export function planFor(xShape: Shape4D, filterShape: Shape4D, attrs: ConvAttrs): { info: backend_util.Conv2DInfo; plan: SmallMapPlan } | null {
  if (attrs.dataFormat === 'NCHW') return null;
  // Cheap test first: only kernels with more taps than the map has positions qualify.
  if (4 * xShape[1] * xShape[2] >= 3 * filterShape[0] * filterShape[1]) return null;
  const info = backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const plan = smallMapPlan(info);
  return plan ? { info, plan } : null;
}

/** The unrolled filter [1, 1, H·W·Cin, OH·OW·Cout] as a tensor of the calls (a 1x1 convolution's filter). */
function unrolled(calls: WasmKernelCalls, plan: SmallMapPlan, filter: TensorInfo, transposed: boolean): TensorInfo {
  const rows = plan.inPositions * plan.inChannels;
  const cols = plan.outPositions * plan.outChannels;
  const out = calls.allocate(transposed ? [1, 1, cols, rows] : [1, 1, rows, cols]);
  // Views only after the last allocation: a growing wasm heap detaches older views.
  const values = calls.backend.typedArrayFromHeap(filter) as Float32Array;
  const target = calls.backend.typedArrayFromHeap(out) as Float32Array;
  (transposed ? unrollFilterTransposed : unrollFilter)(plan, values, target);
  return out;
}

/**
 * Conv2D through the studio's SIMD kernels where they run; else, on small maps, as one product with the
 * unrolled filter; TF.js's kernel otherwise.
 */
export function conv2dSmallMapWasm(): KernelConfig {
  return replacing('Conv2D', (args, original) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const simd = simdConv2d(args.backend, x, filter, args.attrs as unknown as ConvAttrs);
    if (simd) return simd;
    const planned = planFor(x.shape as Shape4D, filter.shape as Shape4D, args.attrs as unknown as ConvAttrs);
    if (!planned) return original(args) as TensorInfo;
    const { info, plan } = planned;
    return withKernelCalls(args.backend, (calls) => {
      const big = unrolled(calls, plan, filter, false);
      const y = matMulAsConvolution(calls, x, big, plan.batch, plan.inPositions * plan.inChannels, plan.outPositions * plan.outChannels);
      return calls.reshape(y, [plan.batch, info.outHeight, info.outWidth, plan.outChannels]);
    });
  });
}

/**
 * FusedConv2D (bias and activation fused, as prediction and linear convolutions in training run it)
 * through the studio's SIMD kernels where they run; else on small maps TF.js's own fused kernel on the
 * 1x1 product, with the bias repeated per output position.
 */
export function fusedConv2dSmallMapWasm(): KernelConfig {
  return replacing('FusedConv2D', (args, original) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const activation = (args.attrs as { activation?: string }).activation ?? 'linear';
    const simd = preluActivationWeights ? null : simdConv2d(args.backend, x, filter, args.attrs as unknown as ConvAttrs, bias, activation);
    if (simd) return simd;
    const planned = preluActivationWeights ? null : planFor(x.shape as Shape4D, filter.shape as Shape4D, args.attrs as unknown as ConvAttrs);
    if (!planned) return original(args) as TensorInfo;
    const { info, plan } = planned;
    return withKernelCalls(args.backend, (calls) => {
      const width = plan.outPositions * plan.outChannels;
      const repeated = bias ? calls.allocate([width]) : null;
      const big = unrolled(calls, plan, filter, false);
      if (bias && repeated) {
        const b = calls.backend.typedArrayFromHeap(bias) as Float32Array;
        const r = calls.backend.typedArrayFromHeap(repeated) as Float32Array;
        for (let q = 0; q < plan.outPositions; q++) r.set(b, q * plan.outChannels);
      }
      const inputs: Record<string, TensorInfo> = { x: calls.reshape(x, [1, 1, plan.batch, plan.inPositions * plan.inChannels]), filter: big };
      if (repeated) inputs.bias = repeated;
      const attrs = { ...args.attrs, strides: 1, pad: 'valid', dilations: 1, dimRoundingMode: undefined } as unknown as NamedAttrMap;
      const y = calls.track((original as KernelFunc)({ inputs, attrs, backend: args.backend }) as TensorInfo);
      return calls.reshape(y, [plan.batch, info.outHeight, info.outWidth, plan.outChannels]);
    });
  });
}

/** dx = dy · (unrolled filter)ᵀ for small maps, or null when the maps are not small. */
export function smallMapInputGradient(calls: WasmKernelCalls, dy: TensorInfo, filter: TensorInfo, inputShape: Shape4D, attrs: ConvAttrs): TensorInfo | null {
  const planned = planFor(inputShape, filter.shape as Shape4D, attrs);
  if (!planned) return null;
  const { plan } = planned;
  const bigT = unrolled(calls, plan, filter, true);
  const dx = matMulAsConvolution(calls, dy, bigT, plan.batch, plan.outPositions * plan.outChannels, plan.inPositions * plan.inChannels);
  return calls.reshape(dx, inputShape);
}

/** dW folded from xᵀ · dy (the unrolled filter's gradient) for small maps, or null when the maps are not small. */
export function smallMapFilterGradient(calls: WasmKernelCalls, x: TensorInfo, dy: TensorInfo, filterShape: Shape4D, attrs: ConvAttrs): TensorInfo | null {
  const planned = planFor(x.shape as Shape4D, filterShape, attrs);
  if (!planned) return null;
  const { plan } = planned;
  const rows = plan.inPositions * plan.inChannels;
  const cols = plan.outPositions * plan.outChannels;
  const xT = calls.transpose(calls.reshape(x, [plan.batch, rows]), [1, 0]);
  const dBig = matMulAsConvolution(calls, xT, dy, rows, plan.batch, cols);
  const out = calls.allocate(filterShape);
  const unrolledGrad = calls.backend.typedArrayFromHeap(dBig) as Float32Array;
  foldFilterGradient(plan, unrolledGrad, calls.backend.typedArrayFromHeap(out) as Float32Array);
  return out;
}
