import { StudioError } from '../errors';
import type { Padding } from '../layers/params';
import type { PadSides } from './convolution';
import { padMaps } from './convolution';
import type { WindowPlace } from './conv-explainer';
import type { Grid, Maps } from './grids';
import { filledGrid } from './grids';
import { formatSum, formatValue } from './number-text';
import type { AxisSizeExplanation } from './size-formula';

export type PoolingMode = 'max' | 'avg';

export interface PoolingSpec {
  /** `[channel][row][col]`; each channel is pooled on its own. */
  input: Maps;
  poolSize: number;
  stride: number;
  padding: Padding;
  mode: PoolingMode;
}

/** One cell of a pooling window. Padding cells never win the max and are left out of the average, as in the studio's pooling layers. */
export interface PoolingCell {
  /** Position in the padded input. */
  row: number;
  col: number;
  inputRow: number | null;
  inputCol: number | null;
  value: number;
  padding: boolean;
}

export interface PoolingStep {
  index: number;
  channel: number;
  row: number;
  col: number;
  window: WindowPlace;
  cells: PoolingCell[];
  value: number;
  /** The input cell that holds the maximum (the first one, row by row, on a tie); null for average pooling. */
  argMax: { row: number; col: number } | null;
  /** `max(3, −1, −3, 1) = 3` or `(3 + (−1) + (−3) + 1) / 4 = 0`. */
  text: string;
}

export interface PoolingExplanation {
  kind: 'pooling';
  mode: PoolingMode;
  input: Maps;
  poolSize: number;
  stride: number;
  padding: Padding;
  pad: PadSides;
  size: { rows: AxisSizeExplanation; cols: AxisSizeExplanation };
  /** `[channel][row][col]`. */
  output: Maps;
  /** Windows overlap when the stride is smaller than the window (AlexNet's 3x3 stride 2). */
  overlapping: boolean;
  /** How many windows cover each input cell, `[row][col]`: 0 for cells no window reaches, 2 or more where windows overlap. */
  coverage: Grid;
  stepCount: number;
}

/** Explains max or average pooling on a small input: size formula, every window's value, overlap. */
export function explainPooling(spec: PoolingSpec): PoolingExplanation {
  if (!Number.isInteger(spec.poolSize) || spec.poolSize < 1 || !Number.isInteger(spec.stride) || spec.stride < 1) {
    throw new StudioError('invalid-argument', `A pooling window of ${spec.poolSize} with stride ${spec.stride} is not possible.`, { hint: 'Use whole numbers of at least 1.' });
  }
  const { pad, rows, cols } = padMaps(spec.input, { kernel: spec.poolSize, stride: spec.stride, padding: spec.padding, dilation: 1 }, 'pooling window');
  const h = spec.input[0]!.length;
  const w = spec.input[0]![0]!.length;
  const coverage = filledGrid(h, w);
  for (let i = 0; i < rows.out; i++) {
    for (let j = 0; j < cols.out; j++) {
      for (let a = 0; a < spec.poolSize; a++) {
        for (let b = 0; b < spec.poolSize; b++) {
          const r = i * spec.stride + a - pad.top;
          const c = j * spec.stride + b - pad.left;
          if (r >= 0 && r < h && c >= 0 && c < w) coverage[r]![c]! += 1;
        }
      }
    }
  }
  const base: PoolingExplanation = {
    kind: 'pooling',
    mode: spec.mode,
    input: spec.input,
    poolSize: spec.poolSize,
    stride: spec.stride,
    padding: spec.padding,
    pad,
    size: { rows, cols },
    output: [],
    overlapping: spec.stride < spec.poolSize,
    coverage,
    stepCount: spec.input.length * rows.out * cols.out,
  };
  base.output = spec.input.map((_, channel) => {
    const out = filledGrid(rows.out, cols.out);
    for (let i = 0; i < rows.out; i++) for (let j = 0; j < cols.out; j++) out[i]![j] = poolingStep(base, (channel * rows.out + i) * cols.out + j).value;
    return out;
  });
  return base;
}

/** Step `index` of the pooling step-through (channel by channel, row by row). */
export function poolingStep(e: PoolingExplanation, index: number): PoolingStep {
  const perChannel = e.size.rows.out * e.size.cols.out;
  if (!Number.isInteger(index) || index < 0 || index >= e.stepCount) throw new RangeError(`step ${index} is outside 0–${e.stepCount - 1}`);
  const channel = Math.floor(index / perChannel);
  const row = Math.floor((index % perChannel) / e.size.cols.out);
  const col = index % e.size.cols.out;
  const top = row * e.stride;
  const left = col * e.stride;
  const map = e.input[channel]!;
  const h = map.length;
  const w = map[0]!.length;
  const cells: PoolingCell[] = [];
  for (let a = 0; a < e.poolSize; a++) {
    for (let b = 0; b < e.poolSize; b++) {
      const r = top + a;
      const c = left + b;
      const inputRow = r - e.pad.top;
      const inputCol = c - e.pad.left;
      const inside = inputRow >= 0 && inputRow < h && inputCol >= 0 && inputCol < w;
      cells.push({ row: r, col: c, inputRow: inside ? inputRow : null, inputCol: inside ? inputCol : null, value: inside ? map[inputRow]![inputCol]! : 0, padding: !inside });
    }
  }
  const real = cells.filter((cell) => !cell.padding);
  let value = 0;
  let argMax: PoolingStep['argMax'] = null;
  let text: string;
  if (!real.length) {
    text = 'the window holds only padding: 0';
  } else if (e.mode === 'max') {
    let best = real[0]!;
    for (const cell of real) if (cell.value > best.value) best = cell;
    value = best.value;
    argMax = { row: best.inputRow!, col: best.inputCol! };
    text = `max(${real.map((cell) => formatValue(cell.value)).join(', ')}) = ${formatValue(value)}`;
  } else {
    let sum = 0;
    for (const cell of real) sum += cell.value;
    value = sum / real.length;
    // Negative values after the first go in parentheses: (3 + (−1) + …).
    const terms = real.map((cell, i) => (cell.value < 0 && i > 0 ? `(${formatValue(cell.value)})` : formatValue(cell.value)));
    text = `${real.length > 1 ? `(${formatSum(terms)})` : terms[0]} / ${real.length} = ${formatValue(value)}`;
  }
  return { index, channel, row, col, window: { top, left, extent: e.poolSize }, cells, value, argMax, text };
}

/** Every step, in order. */
export function poolingSteps(e: PoolingExplanation): PoolingStep[] {
  return Array.from({ length: e.stepCount }, (_, i) => poolingStep(e, i));
}
