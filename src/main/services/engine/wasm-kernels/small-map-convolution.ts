import type { backend_util } from '@tensorflow/tfjs';

/**
 * A convolution over maps smaller than its kernel (ResNet's last stages on 32x32 images: 3x3 kernels
 * with padding 1 over 2x2 and 1x1 maps) mostly multiplies zeros: a 3x3 kernel over a 1x1 map uses
 * only its centre tap, yet XNNPACK computes all nine. Such a convolution is, per image, one matrix
 * product with an "unrolled" filter that connects every input position to every output position it
 * reaches (the convolution's Toeplitz matrix): [N, H·W·Cin] × [H·W·Cin, OH·OW·Cout]. Its gradients
 * are the two other products of the same matrix. This module holds the index arithmetic; the kernels
 * (small-map-kernels.ts) run the products on XNNPACK.
 */

export interface SmallMapPlan {
  batch: number;
  inPositions: number;
  inChannels: number;
  outPositions: number;
  outChannels: number;
  /** Kernel taps (kh·kw). */
  taps: number;
  /** For each input position × output position: the kernel tap that connects them, −1 where none does. */
  links: Int32Array;
}

/**
 * The plan for a convolution when the unrolled product does less work than the convolution itself
 * (input positions < ¾ of the kernel's taps), else null. Grouped and channels-first convolutions are
 * left to TF.js.
 */
export function smallMapPlan(info: backend_util.Conv2DInfo): SmallMapPlan | null {
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  if (info.dataFormat !== 'channelsLast' || kh * kw <= 1) return null;
  if (4 * h * w >= 3 * kh * kw) return null;
  const outPositions = oh * ow;
  const links = new Int32Array(h * w * outPositions).fill(-1);
  const { top, left } = info.padInfo;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let r = 0; r < kh; r++) {
        const y = i * info.strideHeight + r * info.dilationHeight - top;
        if (y < 0 || y >= h) continue;
        for (let c = 0; c < kw; c++) {
          const x = j * info.strideWidth + c * info.dilationWidth - left;
          if (x < 0 || x >= w) continue;
          links[(y * w + x) * outPositions + i * ow + j] = r * kw + c;
        }
      }
    }
  }
  return { batch: info.batchSize, inPositions: h * w, inChannels: info.inChannels, outPositions, outChannels: info.outChannels, taps: kh * kw, links };
}

/** The unrolled filter [H·W·Cin, OH·OW·Cout] from an HWIO filter (`out` is zero-filled first). */
export function unrollFilter(plan: SmallMapPlan, filter: Float32Array, out: Float32Array): void {
  const { inPositions, inChannels: ci, outPositions, outChannels: co, links } = plan;
  const width = outPositions * co;
  out.fill(0);
  for (let p = 0; p < inPositions; p++) {
    for (let q = 0; q < outPositions; q++) {
      const tap = links[p * outPositions + q]!;
      if (tap < 0) continue;
      for (let c = 0; c < ci; c++) {
        // A row of the filter (all output channels of one input channel) is contiguous in both.
        const source = (tap * ci + c) * co;
        out.set(filter.subarray(source, source + co), (p * ci + c) * width + q * co);
      }
    }
  }
}

/** The transposed unrolled filter [OH·OW·Cout, H·W·Cin], for the input gradient (`out` is zero-filled first). */
export function unrollFilterTransposed(plan: SmallMapPlan, filter: Float32Array, out: Float32Array): void {
  const { inPositions, inChannels: ci, outPositions, outChannels: co, links } = plan;
  const width = inPositions * ci;
  out.fill(0);
  for (let p = 0; p < inPositions; p++) {
    for (let q = 0; q < outPositions; q++) {
      const tap = links[p * outPositions + q]!;
      if (tap < 0) continue;
      for (let c = 0; c < ci; c++) {
        const source = (tap * ci + c) * co;
        const column = p * ci + c;
        for (let o = 0; o < co; o++) out[(q * co + o) * width + column] = filter[source + o]!;
      }
    }
  }
}

/** The filter's gradient (HWIO) from the unrolled filter's [H·W·Cin, OH·OW·Cout]: each tap sums the blocks it links. */
export function foldFilterGradient(plan: SmallMapPlan, unrolled: Float32Array, out: Float32Array): void {
  const { inPositions, inChannels: ci, outPositions, outChannels: co, links } = plan;
  const width = outPositions * co;
  out.fill(0);
  for (let p = 0; p < inPositions; p++) {
    for (let q = 0; q < outPositions; q++) {
      const tap = links[p * outPositions + q]!;
      if (tap < 0) continue;
      for (let c = 0; c < ci; c++) {
        const target = (tap * ci + c) * co;
        const source = (p * ci + c) * width + q * co;
        for (let o = 0; o < co; o++) out[target + o] = out[target + o]! + unrolled[source + o]!;
      }
    }
  }
}
