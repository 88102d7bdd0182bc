import { StudioError } from '../errors';
import type { ConvolutionSpec } from './convolution';
import type { ConvolutionExplanation } from './conv-explainer';
import { explainConvolution } from './conv-explainer';
import type { Kernels, Maps } from './grids';
import { filledGrid } from './grids';
import { formatProduct, formatSum, formatValue } from './number-text';
import type { PoolingExplanation, PoolingSpec } from './pool-explainer';
import { explainPooling, poolingStep } from './pool-explainer';

/**
 * The backward pass of one convolution or one pooling layer, with the numbers: given the gradient of
 * the loss with respect to the layer's output (dL/dy; by default 1 everywhere, as if the loss were the
 * sum of the outputs), which inputs and weights receive which part of it.
 */

/**
 * dL/dx by the "full correlation" picture: dL/dy with (s − 1) zeros between its values (stride),
 * padded by n − 1 zeros, correlated with each filter turned by 180° (in and out channels swapped).
 */
export interface FullCorrelationView {
  /** `[filter][row][col]`: dL/dy spread by the stride and padded by n − 1 (plus the rows the forward never reached). */
  spreadGradient: Maps;
  /** `[inputChannel][filter][row][col]`: each kernel rotated by 180°. */
  flippedKernels: Kernels;
  /** The result: dL/dx of the padded input, `[channel][row][col]`. */
  result: Maps;
}

export interface ConvolutionBackward {
  kind: 'convolution-backward';
  forward: ConvolutionExplanation;
  /** dL/dy, `[filter][row][col]`. */
  outputGradient: Maps;
  /** dL/dx of the input itself, `[channel][row][col]` (the padded one with its border cut off). */
  inputGradient: Maps;
  /** dL/dx of the padded input. */
  paddedInputGradient: Maps;
  /** dL/dw, `[filter][channel][row][col]`: the correlation of the (padded) input with dL/dy. */
  kernelGradient: Kernels;
  /** dL/db: the sum of dL/dy over each filter's map. */
  biasGradient: number[];
  fullCorrelation: FullCorrelationView;
}

/** One output gradient's share of an input value's gradient: dL/dy[f][i][j] times the weight that joined them. */
export interface InputGradientTerm {
  filter: number;
  outRow: number;
  outCol: number;
  kernelRow: number;
  kernelCol: number;
  gradient: number;
  weight: number;
  product: number;
}

export interface InputGradientCell {
  channel: number;
  /** Position in the input (not the padded input). */
  row: number;
  col: number;
  terms: InputGradientTerm[];
  value: number;
  /** `dL/dx = 1·1 + 1·(−1) + … = −1`. */
  text: string;
}

export interface KernelGradientTerm {
  outRow: number;
  outCol: number;
  /** Position in the padded input. */
  row: number;
  col: number;
  input: number;
  gradient: number;
  product: number;
}

export interface KernelGradientCell {
  filter: number;
  channel: number;
  kernelRow: number;
  kernelCol: number;
  terms: KernelGradientTerm[];
  value: number;
  text: string;
}

function defaultGradient(channels: number, rows: number, cols: number, given: Maps | undefined, what: string): Maps {
  if (!given) return Array.from({ length: channels }, () => filledGrid(rows, cols, 1));
  if (given.length !== channels || given.some((g) => g.length !== rows || g.some((r) => r.length !== cols))) {
    throw new StudioError('invalid-argument', `The output gradient must be ${channels} x ${rows} x ${cols} (${what}).`, { hint: 'Give one value per output value, or none for 1 everywhere.' });
  }
  return given;
}

/** The backward pass of a convolution: dL/dx (scatter and full-correlation views), dL/dw and dL/db. */
export function explainConvolutionBackward(spec: ConvolutionSpec & { outputGradient?: Maps }): ConvolutionBackward {
  const forward = explainConvolution(spec);
  const { rows, cols } = forward.size;
  const n = forward.kernel;
  const d = forward.dilation;
  const s = forward.stride;
  const dy = defaultGradient(forward.filters.length, rows.out, cols.out, spec.outputGradient, 'filters x output rows x output columns');
  const hp = forward.padded[0]!.length;
  const wp = forward.padded[0]![0]!.length;

  // Scatter: each dL/dy[f][i][j] goes to the window's inputs, times the weight that met them.
  const paddedInputGradient = forward.input.map(() => filledGrid(hp, wp));
  const kernelGradient: Kernels = forward.filters.map((filter) => filter.map(() => filledGrid(n, n)));
  forward.filters.forEach((filter, f) => {
    for (let i = 0; i < rows.out; i++) {
      for (let j = 0; j < cols.out; j++) {
        const g = dy[f]![i]![j]!;
        filter.forEach((grid, c) => {
          for (let a = 0; a < n; a++) {
            for (let b = 0; b < n; b++) {
              const r = i * s + a * d;
              const col = j * s + b * d;
              paddedInputGradient[c]![r]![col]! += g * grid[a]![b]!;
              kernelGradient[f]![c]![a]![b]! += g * forward.padded[c]![r]![col]!;
            }
          }
        });
      }
    }
  });
  const h = forward.input[0]!.length;
  const w = forward.input[0]![0]!.length;
  const inputGradient = paddedInputGradient.map((grid) => grid.slice(forward.pad.top, forward.pad.top + h).map((row) => row.slice(forward.pad.left, forward.pad.left + w)));
  const biasGradient = dy.map((grid) => grid.flat().reduce((sum, v) => sum + v, 0));
  return {
    kind: 'convolution-backward',
    forward,
    outputGradient: dy,
    inputGradient,
    paddedInputGradient,
    kernelGradient,
    biasGradient,
    fullCorrelation: fullCorrelationView(forward, dy, hp, wp),
  };
}

function fullCorrelationView(forward: ConvolutionExplanation, dy: Maps, hp: number, wp: number): FullCorrelationView {
  const n = forward.kernel;
  const d = forward.dilation;
  const s = forward.stride;
  const extent = d * (n - 1) + 1;
  const { rows, cols } = forward.size;
  // Spread by the stride, n − 1 zeros before, and after: n − 1 plus the rows the forward never reached.
  const spreadRows = (rows.out - 1) * s + 1 + 2 * (extent - 1) + rows.dropped;
  const spreadCols = (cols.out - 1) * s + 1 + 2 * (extent - 1) + cols.dropped;
  const spreadGradient = dy.map((grid) => {
    const out = filledGrid(spreadRows, spreadCols);
    grid.forEach((row, i) => row.forEach((v, j) => (out[extent - 1 + i * s]![extent - 1 + j * s] = v)));
    return out;
  });
  const flippedKernels: Kernels = forward.input.map((_, c) => forward.filters.map((filter) => filter[c]!.map((_, a) => filter[c]![n - 1 - a]!.map((_, b) => filter[c]![n - 1 - a]![n - 1 - b]!))));
  const result = forward.input.map((_, c) => {
    const out = filledGrid(hp, wp);
    for (let r = 0; r < hp; r++) {
      for (let col = 0; col < wp; col++) {
        let sum = 0;
        forward.filters.forEach((_, f) => {
          const k = flippedKernels[c]![f]!;
          const g = spreadGradient[f]!;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) sum += g[r + a * d]![col + b * d]! * k[a]![b]!;
        });
        out[r]![col] = sum;
      }
    }
    return out;
  });
  return { spreadGradient, flippedKernels, result };
}

/** Which output gradients reach input value (channel, row, col), through which weights. */
export function inputGradientCell(b: ConvolutionBackward, channel: number, row: number, col: number): InputGradientCell {
  const e = b.forward;
  const r = row + e.pad.top;
  const c = col + e.pad.left;
  const terms: InputGradientTerm[] = [];
  let value = 0;
  e.filters.forEach((filter, f) => {
    for (let a = 0; a < e.kernel; a++) {
      for (let k = 0; k < e.kernel; k++) {
        const ti = r - a * e.dilation;
        const tj = c - k * e.dilation;
        if (ti < 0 || tj < 0 || ti % e.stride !== 0 || tj % e.stride !== 0) continue;
        const i = ti / e.stride;
        const j = tj / e.stride;
        if (i >= e.size.rows.out || j >= e.size.cols.out) continue;
        const gradient = b.outputGradient[f]![i]![j]!;
        const weight = filter[channel]![a]![k]!;
        const product = gradient * weight;
        value += product;
        terms.push({ filter: f, outRow: i, outCol: j, kernelRow: a, kernelCol: k, gradient, weight, product });
      }
    }
  });
  const text = terms.length
    ? `dL/dx = ${formatSum(terms.map((t) => formatProduct(t.gradient, t.weight)))} = ${formatValue(value)}`
    : 'dL/dx = 0: no window covers this value';
  return { channel, row, col, terms, value, text };
}

/** dL/dw for one weight: the input values it met, each times that window's output gradient. */
export function kernelGradientCell(b: ConvolutionBackward, filter: number, channel: number, kernelRow: number, kernelCol: number): KernelGradientCell {
  const e = b.forward;
  const terms: KernelGradientTerm[] = [];
  let value = 0;
  for (let i = 0; i < e.size.rows.out; i++) {
    for (let j = 0; j < e.size.cols.out; j++) {
      const r = i * e.stride + kernelRow * e.dilation;
      const c = j * e.stride + kernelCol * e.dilation;
      const input = e.padded[channel]![r]![c]!;
      const gradient = b.outputGradient[filter]![i]![j]!;
      const product = input * gradient;
      value += product;
      terms.push({ outRow: i, outCol: j, row: r, col: c, input, gradient, product });
    }
  }
  return { filter, channel, kernelRow, kernelCol, terms, value, text: `dL/dw = ${formatSum(terms.map((t) => formatProduct(t.input, t.gradient)))} = ${formatValue(value)}` };
}

/** Where one output value's gradient goes in pooling. */
export interface PoolingRoute {
  channel: number;
  /** Output position. */
  row: number;
  col: number;
  gradient: number;
  /** Input cells (not padded coordinates) and the share each receives. */
  targets: { row: number; col: number; share: number }[];
  text: string;
}

export interface PoolingBackward {
  kind: 'pooling-backward';
  forward: PoolingExplanation;
  outputGradient: Maps;
  /** `[channel][row][col]`; overlapping windows add up. */
  inputGradient: Maps;
  /** One route per output value, in step order. */
  routes: PoolingRoute[];
}

/** The backward pass of max pooling (each window's gradient goes to its arg-max) or average pooling (shared evenly). */
export function explainPoolingBackward(spec: PoolingSpec & { outputGradient?: Maps }): PoolingBackward {
  const forward = explainPooling(spec);
  const dy = defaultGradient(forward.input.length, forward.size.rows.out, forward.size.cols.out, spec.outputGradient, 'channels x output rows x output columns');
  const inputGradient = forward.input.map((grid) => filledGrid(grid.length, grid[0]!.length));
  const routes: PoolingRoute[] = [];
  for (let index = 0; index < forward.stepCount; index++) {
    const step = poolingStep(forward, index);
    const gradient = dy[step.channel]![step.row]![step.col]!;
    const real = step.cells.filter((c) => !c.padding);
    let targets: PoolingRoute['targets'];
    let text: string;
    const g = formatValue(gradient);
    if (!real.length) {
      targets = [];
      text = `${g} goes nowhere: the window holds only padding`;
    } else if (forward.mode === 'max') {
      targets = [{ row: step.argMax!.row, col: step.argMax!.col, share: gradient }];
      text = `${g} goes entirely to x[${step.argMax!.row}][${step.argMax!.col}], the window's maximum (${formatValue(step.value)}); the other ${real.length - 1} value(s) get 0`;
    } else {
      const share = gradient / real.length;
      targets = real.map((c) => ({ row: c.inputRow!, col: c.inputCol!, share }));
      text = `${g} / ${real.length} = ${formatValue(share)} goes to each of the window's ${real.length} value(s)`;
    }
    for (const t of targets) inputGradient[step.channel]![t.row]![t.col]! += t.share;
    routes.push({ channel: step.channel, row: step.row, col: step.col, gradient, targets, text });
  }
  return { kind: 'pooling-backward', forward, outputGradient: dy, inputGradient, routes };
}
