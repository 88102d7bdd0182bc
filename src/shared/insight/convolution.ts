import { StudioError } from '../errors';
import type { Padding } from '../layers/params';
import type { Grid, Kernels, Maps } from './grids';
import { filledGrid, gridSize } from './grids';
import type { AxisSizeExplanation } from './size-formula';
import { explainOutputSize } from './size-formula';

/**
 * Plain-loop convolution (cross-correlation, as every deep-learning framework computes it) on nested
 * arrays: the reference the explainer, the hand-crafted filter view and the tests share. Padding
 * follows the studio's Conv2D: `valid`, `same` (an odd extra zero after, as TF.js does) or a number of
 * zeros on every side.
 */
export interface ConvolutionSpec {
  /** `[channel][row][col]`. */
  input: Maps;
  /** `[filter][channel][row][col]`; every filter has the input's channels. */
  filters: Kernels;
  /** One per filter; zeros when absent. */
  bias?: number[] | null;
  stride: number;
  padding: Padding;
  dilation?: number;
}

/** Zeros added on each side of the input. */
export interface PadSides {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The input with its padding, and the size formula of both axes. */
export interface PaddedMaps {
  padded: Maps;
  pad: PadSides;
  rows: AxisSizeExplanation;
  cols: AxisSizeExplanation;
}

/** The most multiply-adds the explainer computes; larger inputs belong to the engine. */
export const MAX_EXPLAINER_WORK = 20_000_000;

/** Pads every channel with zeros as the window parameters say; a window that fits nowhere is a StudioError. */
export function padMaps(input: Maps, params: { kernel: number; stride: number; padding: Padding; dilation: number }, what = 'window'): PaddedMaps {
  const [h, w] = gridSize(input[0] ?? []);
  if (!input.length || h === 0 || w === 0) throw new StudioError('invalid-argument', 'The input to explain is empty.', { hint: 'Give at least one channel of one row and one column.' });
  if (input.some((m) => m.length !== h || m.some((row) => row.length !== w))) {
    throw new StudioError('invalid-argument', `The input to explain is not rectangular: every channel must be ${h} x ${w}.`, { hint: 'Make every row the same length.' });
  }
  const { rows, cols } = explainOutputSize(h, w, params);
  if (!rows.fits || !cols.fits) {
    throw new StudioError('invalid-argument', `The ${params.kernel}x${params.kernel} ${what} does not fit the ${h}x${w} input${rows.padding ? ' even with its padding' : ''}.`, {
      hint: 'Use a larger input, a smaller window or more padding.',
    });
  }
  const pad = { top: rows.padBefore, bottom: rows.padAfter, left: cols.padBefore, right: cols.padAfter };
  const padded = input.map((map) => {
    const out = filledGrid(h + pad.top + pad.bottom, w + pad.left + pad.right);
    map.forEach((row, r) => row.forEach((v, c) => (out[r + pad.top]![c + pad.left] = v)));
    return out;
  });
  return { padded, pad, rows, cols };
}

/** Checks a convolution spec's shapes; a mismatch is a StudioError saying which. */
export function checkConvolutionSpec(spec: ConvolutionSpec): void {
  const channels = spec.input.length;
  if (!spec.filters.length) throw new StudioError('invalid-argument', 'There is no filter to apply.', { hint: 'Give at least one filter.' });
  const n = spec.filters[0]?.[0]?.length ?? 0;
  spec.filters.forEach((filter, f) => {
    if (filter.length !== channels) {
      throw new StudioError('invalid-argument', `Filter ${f + 1} has ${filter.length} channel(s) but the input has ${channels}.`, { hint: 'Give each filter one n x n grid per input channel.' });
    }
    if (filter.some((grid) => grid.length !== n || grid.some((row) => row.length !== n))) {
      throw new StudioError('invalid-argument', `Filter ${f + 1} is not square ${n} x ${n} in every channel.`, { hint: 'Give every filter the same n x n size.' });
    }
  });
  if (n === 0) throw new StudioError('invalid-argument', 'The filters are empty.', { hint: 'Give n x n values per channel.' });
  if (spec.bias && spec.bias.length !== spec.filters.length) {
    throw new StudioError('invalid-argument', `${spec.bias.length} bias value(s) are given for ${spec.filters.length} filter(s).`, { hint: 'Give one bias per filter, or none.' });
  }
  if (!Number.isInteger(spec.stride) || spec.stride < 1) throw new StudioError('invalid-argument', `The stride ${spec.stride} is not a whole number of at least 1.`);
  const d = spec.dilation ?? 1;
  if (!Number.isInteger(d) || d < 1) throw new StudioError('invalid-argument', `The dilation ${d} is not a whole number of at least 1.`);
}

/** The convolution's output, `[filter][row][col]`, bias added, no activation. */
export function correlate(spec: ConvolutionSpec): Maps {
  checkConvolutionSpec(spec);
  const n = spec.filters[0]![0]!.length;
  const d = spec.dilation ?? 1;
  const { padded, rows, cols } = padMaps(spec.input, { kernel: n, stride: spec.stride, padding: spec.padding, dilation: d }, 'kernel');
  const work = spec.filters.length * rows.out * cols.out * spec.input.length * n * n;
  if (work > MAX_EXPLAINER_WORK) {
    throw new StudioError('invalid-argument', `This convolution needs ${work.toLocaleString('en-US')} multiply-adds, too many to compute step by step.`, { hint: 'Use a smaller input or fewer filters.' });
  }
  const s = spec.stride;
  return spec.filters.map((filter, f) => {
    const out = filledGrid(rows.out, cols.out);
    const b = spec.bias?.[f] ?? 0;
    for (let i = 0; i < rows.out; i++) {
      for (let j = 0; j < cols.out; j++) {
        let sum = 0;
        for (let c = 0; c < filter.length; c++) {
          const x = padded[c]!;
          const w = filter[c]!;
          for (let a = 0; a < n; a++) for (let k = 0; k < n; k++) sum += x[i * s + a * d]![j * s + k * d]! * w[a]![k]!;
        }
        out[i]![j] = sum + b;
      }
    }
    return out;
  });
}

/** One kernel applied to a single-channel map with stride 1 and `same` padding: how a hand-crafted mask responds. */
export function applyKernel(map: Grid, kernel: Grid, padding: Padding = 'same'): Grid {
  return correlate({ input: [map], filters: [[kernel]], stride: 1, padding })[0]!;
}
