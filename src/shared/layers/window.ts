import type { MapShape, Shape } from '../tensor-shape';
import type { Padding } from './params';
import { ShapeError } from './types';

/**
 * The sliding-window arithmetic shared by convolution and pooling: out = floor((H − n + P) / s) + 1,
 * with dilation folded into n (n = d·(k − 1) + 1) and P the total padding of one axis.
 */
export interface WindowSpec {
  kernel: number;
  stride: number;
  dilation: number;
  padding: Padding;
}

export interface AxisWindow {
  /** Output size along the axis. */
  out: number;
  /** Zeros added before (top/left) and after (bottom/right). TF.js puts an odd one after. */
  padBefore: number;
  padAfter: number;
  /** Input rows/columns the window never reaches because (H − n + P) is not divisible by s. */
  dropped: number;
  /** The effective kernel extent n = d·(k − 1) + 1. */
  extent: number;
}

/** Window arithmetic for one axis; null when the window does not fit (the caller writes the sentence). */
export function windowAxis(size: number, spec: WindowSpec): AxisWindow | null {
  const extent = spec.dilation * (spec.kernel - 1) + 1;
  if (spec.padding === 'same') {
    const out = Math.ceil(size / spec.stride);
    const total = Math.max((out - 1) * spec.stride + extent - size, 0);
    const padBefore = Math.floor(total / 2);
    return { out, padBefore, padAfter: total - padBefore, dropped: 0, extent };
  }
  const pad = spec.padding === 'valid' ? 0 : spec.padding;
  const span = size - extent + 2 * pad;
  if (span < 0) return null;
  return { out: Math.floor(span / spec.stride) + 1, padBefore: pad, padAfter: pad, dropped: span % spec.stride, extent };
}

export interface WindowResult {
  rows: AxisWindow;
  cols: AxisWindow;
  warnings: string[];
}

/**
 * Applies a square window to a `[H, W, C]` map. `what` names the window in messages
 * ("kernel", "pooling window").
 */
export function applyWindow(input: MapShape, spec: WindowSpec, what: string): WindowResult {
  const [h, w] = input;
  const rows = windowAxis(h, spec);
  const cols = windowAxis(w, spec);
  if (!rows || !cols) {
    const k = `${spec.kernel}x${spec.kernel}`;
    const reach = spec.dilation > 1 ? ` with dilation ${spec.dilation} spans ${(rows ?? cols)?.extent ?? spec.dilation * (spec.kernel - 1) + 1}x${spec.dilation * (spec.kernel - 1) + 1}, which` : '';
    const padded = typeof spec.padding === 'number' && spec.padding > 0 ? ` (${h + 2 * spec.padding}x${w + 2 * spec.padding} after padding)` : '';
    throw new ShapeError(
      `The ${k} ${what}${reach} is larger than the ${h}x${w} input${padded}.`,
      `Use padding, a smaller ${what}, or remove a pooling layer before this one.`,
    );
  }
  const warnings: string[] = [];
  const pad = spec.padding === 'valid' || spec.padding === 'same' ? 0 : spec.padding * 2;
  const axes = h === w && rows.dropped === cols.dropped ? [{ size: h, axis: rows, noun: ['row', 'column'] }] : [
    { size: h, axis: rows, noun: ['row'] },
    { size: w, axis: cols, noun: ['column'] },
  ];
  for (const { size, axis, noun } of axes) {
    if (axis.dropped === 0) continue;
    const lines = noun.map((n) => (axis.dropped > 1 ? `${axis.dropped} ${n}s` : `1 ${n}`)).join(' and ');
    const lost = Math.max(0, axis.dropped - axis.padAfter);
    const consequence =
      lost === 0
        ? 'they are padding only, so no pixel is lost'
        : `${lost === axis.dropped ? 'those' : `${lost} of them hold`} input values that never reach the output`;
    warnings.push(
      `(H − n + P) = ${size} − ${axis.extent} + ${pad} = ${size - axis.extent + pad} is not divisible by the stride ${spec.stride}: ` +
        `the ${what} never covers the last ${lines} of the padded input (${consequence}).`,
    );
  }
  return { rows, cols, warnings };
}

/** A sentence-ready error for kinds that need a `[H, W, C]` map. */
export function requireMap(input: Shape | undefined, label: string): MapShape {
  if (!input || input.length !== 3) {
    const got = input ? `a vector of ${input[0]} values` : 'nothing';
    throw new ShapeError(
      `${label} needs a feature map (height x width x channels) but receives ${got}.`,
      `Move it before the Flatten or global pooling layer.`,
    );
  }
  return input as MapShape;
}

/** A sentence-ready error for kinds that need a vector. */
export function requireVector(input: Shape | undefined, label: string): readonly [number] {
  if (!input || input.length !== 1) {
    const got = input ? `a ${input.join('x')} feature map` : 'nothing';
    throw new ShapeError(
      `${label} needs a vector but receives ${got}.`,
      `Add a Flatten or GlobalAvgPool layer before it.`,
    );
  }
  return input as readonly [number];
}
