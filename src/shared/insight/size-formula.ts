import type { Padding } from '../layers/params';
import { windowAxis } from '../layers/window';
import { formatValue } from './number-text';

/** A sliding window's parameters, as Conv2D and the pooling layers declare them. */
export interface WindowParams {
  /** Window size k (kernel or pooling window). */
  kernel: number;
  stride: number;
  padding: Padding;
  /** Spacing of the taps (convolution only); 1 for pooling. */
  dilation: number;
}

/** out = (H − n + P) / s + 1 for one axis, with this window's numbers. */
export interface AxisSizeExplanation {
  axis: 'rows' | 'columns';
  /** Input size H (or W). */
  size: number;
  kernel: number;
  dilation: number;
  /** Effective window extent n = d·(k − 1) + 1 (= k without dilation). */
  extent: number;
  /** Total padding P of the axis (before + after). */
  padding: number;
  padBefore: number;
  padAfter: number;
  stride: number;
  /** H − n + P. */
  numerator: number;
  /** Whether the window fits at all (H − n + P ≥ 0). */
  fits: boolean;
  out: number;
  divisible: boolean;
  /** Padded rows (columns) at the end that no window reaches: (H − n + P) mod s. */
  dropped: number;
  /** Of those, how many hold real input values (the rest is padding). */
  lostInput: number;
  /** The formula with this node's numbers: `(6 − 3 + 0) / 1 + 1 = 3 + 1 = 4`. */
  text: string;
  /** How P was found (`same` padding), or null. */
  paddingNote: string | null;
  /** Why a value is dropped when (H − n + P) is not divisible by s, or why the window does not fit; null otherwise. */
  note: string | null;
}

/** The general formula, as the explainer shows it before the numbers. */
export const SIZE_FORMULA = 'out = (H − n + P) / s + 1';

/** The size formula for one axis of a convolution or pooling window, with every number and the non-divisible case. */
export function explainAxisSize(size: number, params: WindowParams, axis: 'rows' | 'columns' = 'rows'): AxisSizeExplanation {
  const extent = params.dilation * (params.kernel - 1) + 1;
  const window = windowAxis(size, params);
  const padBefore = window?.padBefore ?? (typeof params.padding === 'number' ? params.padding : 0);
  const padAfter = window?.padAfter ?? padBefore;
  const padding = padBefore + padAfter;
  const numerator = size - extent + padding;
  const s = params.stride;
  const f = formatValue;
  const inner = `(${f(size)} − ${f(extent)} + ${f(padding)})`;
  const noun = axis === 'rows' ? 'row' : 'column';
  const base = { axis, size, kernel: params.kernel, dilation: params.dilation, extent, padding, padBefore, padAfter, stride: s, numerator };
  const paddingNote = explainPadding(size, params, padBefore, padAfter, window?.out ?? 0);
  if (!window || numerator < 0) {
    return {
      ...base,
      fits: false,
      out: 0,
      divisible: false,
      dropped: 0,
      lostInput: 0,
      text: `${inner} / ${f(s)} + 1: ${f(numerator)} is negative, so there is no output`,
      paddingNote,
      note: `The ${extent}-wide window is larger than the ${size + padding} ${noun}s of the padded input, so it fits nowhere.`,
    };
  }
  const out = window.out;
  const divisible = numerator % s === 0;
  const dropped = numerator % s;
  const lostInput = Math.max(0, dropped - padAfter);
  const text = divisible
    ? `${inner} / ${f(s)} + 1 = ${f(numerator / s)} + 1 = ${f(out)}`
    : `⌊${inner} / ${f(s)}⌋ + 1 = ⌊${f(numerator / s)}⌋ + 1 = ${f(out)}`;
  let note: string | null = null;
  if (!divisible) {
    const lines = `${dropped} ${noun}${dropped === 1 ? '' : 's'}`;
    const fate =
      lostInput === 0
        ? 'they are padding only, so no input value is lost'
        : lostInput === dropped
          ? `${dropped === 1 ? 'it holds' : 'they hold'} input values that never reach the output`
          : `${lostInput} of them hold input values that never reach the output`;
    note =
      `H − n + P = ${f(numerator)} is not divisible by the stride ${f(s)}, so the division is rounded down: the window stops ` +
      `before the last ${lines} of the padded input (${fate}).`;
  }
  return { ...base, fits: true, out, divisible, dropped, lostInput, text, paddingNote, note };
}

function explainPadding(size: number, params: WindowParams, before: number, after: number, out: number): string | null {
  if (params.padding === 'same') {
    const total = before + after;
    const split = before === after ? `${before} on each side` : `${before} before and ${after} after (the odd one goes after, as TF.js does)`;
    return `"same" padding keeps ⌈H / s⌉ = ⌈${size} / ${params.stride}⌉ = ${out} outputs: P = max((out − 1)·s + n − H, 0) = ${total}, ${split}.`;
  }
  if (typeof params.padding === 'number' && params.padding > 0) return `${params.padding} zero${params.padding === 1 ? '' : 's'} on each side: P = 2·${params.padding} = ${2 * params.padding}.`;
  return null;
}

/** Both axes of a `[H, W]` input. */
export function explainOutputSize(height: number, width: number, params: WindowParams): { rows: AxisSizeExplanation; cols: AxisSizeExplanation } {
  return { rows: explainAxisSize(height, params, 'rows'), cols: explainAxisSize(width, params, 'columns') };
}
