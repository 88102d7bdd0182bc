import type { Padding } from '../layers/params';
import type { ConvolutionSpec, PadSides } from './convolution';
import { checkConvolutionSpec, correlate, padMaps } from './convolution';
import type { Kernels, Maps } from './grids';
import { formatFactor, formatProduct, formatSum, formatValue } from './number-text';
import type { AxisSizeExplanation } from './size-formula';

/** One multiplication of a window: an input value (or a padding zero) times a weight. */
export interface ConvolutionTerm {
  channel: number;
  /** Position in the padded input. */
  row: number;
  col: number;
  /** Position in the input itself; null on a padding zero. */
  inputRow: number | null;
  inputCol: number | null;
  kernelRow: number;
  kernelCol: number;
  input: number;
  weight: number;
  product: number;
}

/** Where the window lies in the padded input: its top-left cell and its extent n = d·(k − 1) + 1. */
export interface WindowPlace {
  top: number;
  left: number;
  extent: number;
}

/** One output value of the step-through: the window, its multiply-adds written out, the value. */
export interface ConvolutionStep {
  index: number;
  filter: number;
  /** Output position. */
  row: number;
  col: number;
  window: WindowPlace;
  terms: ConvolutionTerm[];
  bias: number;
  value: number;
  /** `1·1 + 0·(−1) + … = 3` (all terms, channel by channel, then the bias when it is not 0). */
  text: string;
}

/** A convolution ready to step through: the padded input, the size formula, and the whole output. */
export interface ConvolutionExplanation {
  kind: 'convolution';
  input: Maps;
  filters: Kernels;
  bias: number[];
  kernel: number;
  stride: number;
  dilation: number;
  padding: Padding;
  pad: PadSides;
  padded: Maps;
  size: { rows: AxisSizeExplanation; cols: AxisSizeExplanation };
  /** `[filter][row][col]`, bias added, before any activation. */
  output: Maps;
  /** Steps are numbered filter by filter, then row by row, then column by column. */
  stepCount: number;
}

/** Explains a convolution on a small input: padding, size formula, output; steps come from `convolutionStep`. */
export function explainConvolution(spec: ConvolutionSpec): ConvolutionExplanation {
  checkConvolutionSpec(spec);
  const kernel = spec.filters[0]![0]!.length;
  const dilation = spec.dilation ?? 1;
  const { padded, pad, rows, cols } = padMaps(spec.input, { kernel, stride: spec.stride, padding: spec.padding, dilation }, 'kernel');
  const bias = spec.bias ? [...spec.bias] : spec.filters.map(() => 0);
  const output = correlate({ ...spec, bias });
  return {
    kind: 'convolution',
    input: spec.input,
    filters: spec.filters,
    bias,
    kernel,
    stride: spec.stride,
    dilation,
    padding: spec.padding,
    pad,
    padded,
    size: { rows, cols },
    output,
    stepCount: spec.filters.length * rows.out * cols.out,
  };
}

/** Step `index` (0-based) of the step-through, computed on demand. */
export function convolutionStep(e: ConvolutionExplanation, index: number): ConvolutionStep {
  const perFilter = e.size.rows.out * e.size.cols.out;
  if (!Number.isInteger(index) || index < 0 || index >= e.stepCount) throw new RangeError(`step ${index} is outside 0–${e.stepCount - 1}`);
  const filter = Math.floor(index / perFilter);
  const row = Math.floor((index % perFilter) / e.size.cols.out);
  const col = index % e.size.cols.out;
  const top = row * e.stride;
  const left = col * e.stride;
  const h = e.input[0]!.length;
  const w = e.input[0]![0]!.length;
  const terms: ConvolutionTerm[] = [];
  let sum = 0;
  e.filters[filter]!.forEach((grid, channel) => {
    for (let a = 0; a < e.kernel; a++) {
      for (let b = 0; b < e.kernel; b++) {
        const r = top + a * e.dilation;
        const c = left + b * e.dilation;
        const inputRow = r - e.pad.top;
        const inputCol = c - e.pad.left;
        const inside = inputRow >= 0 && inputRow < h && inputCol >= 0 && inputCol < w;
        const input = e.padded[channel]![r]![c]!;
        const weight = grid[a]![b]!;
        const product = input * weight;
        sum += product;
        terms.push({ channel, row: r, col: c, inputRow: inside ? inputRow : null, inputCol: inside ? inputCol : null, kernelRow: a, kernelCol: b, input, weight, product });
      }
    }
  });
  const bias = e.bias[filter]!;
  const value = sum + bias;
  const parts = terms.map((t) => formatProduct(t.input, t.weight));
  if (bias !== 0) parts.push(formatFactor(bias));
  return {
    index,
    filter,
    row,
    col,
    window: { top, left, extent: e.dilation * (e.kernel - 1) + 1 },
    terms,
    bias,
    value,
    text: `${formatSum(parts)} = ${formatValue(value)}`,
  };
}

/** Every step, in order (for small inputs: the count is filters x output rows x output columns). */
export function convolutionSteps(e: ConvolutionExplanation): ConvolutionStep[] {
  return Array.from({ length: e.stepCount }, (_, i) => convolutionStep(e, i));
}

/** The output as it fills in: values of steps 0…`index` (inclusive), null for the others. */
export function outputSoFar(e: { output: Maps; stepCount: number }, index: number): (number | null)[][][] {
  let k = 0;
  return e.output.map((grid) => grid.map((row) => row.map((v) => (k++ <= index ? v : null))));
}
