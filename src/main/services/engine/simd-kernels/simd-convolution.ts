import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import type { SimdKernels } from './simd-module';
import { simdKernelsFor } from './simd-module';

type Shape4D = [number, number, number, number];

/** The attributes every Conv2D-family kernel of TF.js carries. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** FusedConv2D's activations these kernels apply in their last pass, by the number the kernel takes. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

/** Floats of im2col columns per block: the block (up to 256 output pixels) stays in the L2 cache. */
const BLOCK_FLOATS = 64 * 1024;

/**
 * Below 8 output channels a packed panel is mostly padding (forward), the input gradient's product is
 * only that deep, and XNNPACK's direct kernels for such first layers (LeNet's 1→6) measured faster
 * (`npm run bench -- --kernels`): those convolutions go there, except the one-channel filter gradient.
 */
const MIN_OUTPUT_CHANNELS = 8;

/** Output pixels per block for a product of depth `width` (a multiple of 4, at least 4, at most 256). */
export function blockRowsFor(width: number): number {
  return Math.max(4, Math.min(256, Math.floor(BLOCK_FLOATS / width / 4) * 4));
}

function pointer(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** Runs `body` with working buffers of the given byte sizes on TF.js's heap, freed whatever happens. */
export function withBuffers<T>(kernels: SimdKernels, sizes: number[], body: (pointers: number[]) => T): T {
  const pointers: number[] = [];
  try {
    for (const bytes of sizes) pointers.push(kernels.malloc(Math.max(16, bytes)));
    return body(pointers);
  } finally {
    for (const p of pointers) kernels.free(p);
  }
}

/** The kernels and the forward's geometry, or null where these kernels do not apply (NCHW, non-float). */
function setUp(backend: BackendWasm, xShape: Shape4D, filterShape: Shape4D, attrs: ConvAttrs): { kernels: SimdKernels; info: backend_util.Conv2DInfo; width: number } | null {
  if (attrs.dataFormat === 'NCHW') return null;
  const kernels = simdKernelsFor(backend);
  if (!kernels) return null;
  const info = backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  if (info.inChannels !== filterShape[2]) return null;
  if ([info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels].some((d) => d === 0)) return null;
  const { padInfo } = info;
  // The im2col width: live taps (those that reach the input somewhere) times the input channels.
  const width = kernels.exports.setGeometry(info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, padInfo.top, padInfo.left, info.outHeight, info.outWidth, info.outChannels);
  return { kernels, info, width };
}

/**
 * Conv2D (with FusedConv2D's bias and linear/relu/relu6 activation) as blocks of im2col columns times
 * the packed filter; null where the SIMD kernels do not apply, for the caller's other path.
 */
export function simdConv2d(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, attrs: ConvAttrs, bias?: TensorInfo, activation = 'linear'): TensorInfo | null {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || !(activation in ACTIVATIONS)) return null;
  if ((filter.shape[3] ?? 0) < MIN_OUTPUT_CHANNELS) return null;
  const setup = setUp(backend, x.shape as Shape4D, filter.shape as Shape4D, attrs);
  if (!setup) return null;
  const { kernels, info, width } = setup;
  const k = kernels.exports;
  const rows = blockRowsFor(width);
  const out = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  const scratchBytes = rows * width * 4;
  withBuffers(kernels, [k.packedSize(width, info.outChannels), kernels.threads * scratchBytes], ([packed, scratch]) => {
    k.packFilter(pointer(backend, filter), false, packed!);
    k.conv2dForward(kernels.control, pointer(backend, x), info.batchSize, packed!, pointer(backend, out), scratch!, scratchBytes, rows, bias ? pointer(backend, bias) : 0, ACTIVATIONS[activation]!);
  });
  return out;
}

/** Conv2DBackpropInput: per block of output pixels, dy·Wᵀ added back into the windows (col2im). */
export function simdConv2dInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, inputShape: Shape4D, attrs: ConvAttrs): TensorInfo | null {
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || (filter.shape[3] ?? 0) < MIN_OUTPUT_CHANNELS) return null;
  const setup = setUp(backend, inputShape, filter.shape as Shape4D, attrs);
  if (!setup) return null;
  const { kernels, info, width } = setup;
  const k = kernels.exports;
  const rows = blockRowsFor(width);
  const out = backend.makeOutput(inputShape, 'float32');
  const scratchBytes = rows * width * 4;
  withBuffers(kernels, [k.packedSize(info.outChannels, width), kernels.threads * scratchBytes], ([packed, scratch]) => {
    k.packFilter(pointer(backend, filter), true, packed!);
    k.conv2dInputGradient(kernels.control, pointer(backend, dy), info.batchSize, packed!, pointer(backend, out), scratch!, scratchBytes, rows);
  });
  return out;
}

/** Conv2DBackpropFilter: the sum over blocks of output pixels of im2col(x)ᵀ·dy, read in place. */
export function simdConv2dFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: Shape4D, attrs: ConvAttrs): TensorInfo | null {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const setup = setUp(backend, x.shape as Shape4D, filterShape, attrs);
  if (!setup) return null;
  const { kernels, info, width } = setup;
  const k = kernels.exports;
  if (info.inChannels === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
    return singleChannelFilterGradient(backend, kernels, x, dy, filterShape, info);
  }
  if (filterShape[3] < MIN_OUTPUT_CHANNELS) return null;
  // The block is the product's depth here: deeper blocks than the forward's amortise the passes over dW.
  const rows = Math.max(64, blockRowsFor(width));
  const out = backend.makeOutput(filterShape, 'float32');
  const columnBytes = rows * width * 4;
  withBuffers(kernels, [kernels.threads * columnBytes, width * info.outChannels * 4], ([columns, sums]) => {
    k.conv2dFilterGradient(kernels.control, pointer(backend, x), info.batchSize, pointer(backend, dy), pointer(backend, out), columns!, columnBytes, sums!, rows);
  });
  return out;
}

/** Conv2DBackpropFilter of a one-channel input at stride 1 (LeNet-5's first layer): sums over pixels, four at a time. */
function singleChannelFilterGradient(backend: BackendWasm, kernels: SimdKernels, x: TensorInfo, dy: TensorInfo, filterShape: Shape4D, info: backend_util.Conv2DInfo): TensorInfo {
  const k = kernels.exports;
  const { batchSize: n, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, outChannels: co } = info;
  const padded = (n * (oh + kh - 1) * k.singleChannelPaddedWidth(ow, kw) + 16) * 4;
  const planes = n * Math.ceil(co / 3) * 3 * oh * Math.ceil(ow / 4) * 4 * 4;
  const out = backend.makeOutput(filterShape, 'float32');
  withBuffers(kernels, [padded, planes], ([p, q]) => k.singleChannelFilterGradient(pointer(backend, x), n, pointer(backend, dy), pointer(backend, out), p!, q!));
  return out;
}

/**
 * A matrix product op(A)[m×k] · op(B)[k×n] for batches of one (Dense layers and their gradients); a
 * transposed A is transposed once into a working buffer (m·k moves against m·k·n multiply-adds).
 */
export function simdMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, outShape: number[]): TensorInfo | null {
  const kernels = simdKernelsFor(backend);
  if (!kernels) return null;
  const k = kernels.exports;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, depth] = transposeA ? [ac, ar] : [ar, ac];
  const n = transposeB ? br : bc;
  if (m === 0 || n === 0 || depth === 0) return null;
  const out = backend.makeOutput(outShape, 'float32');
  withBuffers(kernels, [k.packedSize(depth, n), transposeA ? m * depth * 4 : 0], ([packed, transposed]) => {
    k.packB(pointer(backend, b), transposeB ? 1 : bc, transposeB ? bc : 1, depth, n, packed!);
    let left = pointer(backend, a);
    if (transposeA) {
      k.transpose(left, ar, ac, transposed!);
      left = transposed!;
    }
    k.gemm(left, depth, packed!, depth, pointer(backend, out), n, m, n, false);
  });
  return out;
}
