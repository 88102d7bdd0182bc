import { z } from 'zod';

/**
 * The array layouts the insight views exchange, as nested plain arrays (JSON-able, indexable in the
 * renderer without a tensor library):
 * - `Grid`: one map, `[row][col]`;
 * - `Maps`: feature maps or an image, `[channel][row][col]`;
 * - `Kernels`: convolution filters, `[filter][channel][row][col]` (how people type filters; the
 *   weights files hold TF.js's HWIO `[row][col][channel][filter]`).
 */
export type Grid = number[][];
export type Maps = number[][][];
export type Kernels = number[][][][];

export const gridSchema = z.array(z.array(z.number()));
export const mapsSchema = z.array(gridSchema);
export const kernelsSchema = z.array(mapsSchema);

/** A `rows` x `cols` grid filled with `value`. */
export function filledGrid(rows: number, cols: number, value = 0): Grid {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(value));
}

/** `[height, width]` of a grid (0 x 0 when empty). */
export function gridSize(grid: Grid): [number, number] {
  return [grid.length, grid[0]?.length ?? 0];
}

/** Smallest and largest value of nested arrays; `{min: 0, max: 0}` when there are none. */
export function valueExtent(values: Iterable<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

/** Every number of a nested array, in order. */
export function* flatValues(nested: unknown): Generator<number> {
  if (typeof nested === 'number') yield nested;
  else if (Array.isArray(nested)) for (const item of nested) yield* flatValues(item);
}

/**
 * HWC values (a tensor's data without the batch) to `[channel][row][col]`. A vector of N values
 * (`shape` `[N]`) becomes N maps of 1x1, so every layer's output has the same form.
 */
export function hwcToMaps(values: ArrayLike<number>, shape: readonly number[]): { shape: [number, number, number]; maps: Maps } {
  const [h, w, c] = shape.length === 3 ? (shape as [number, number, number]) : [1, 1, shape.reduce((p, d) => p * d, 1)];
  if (values.length !== h * w * c) throw new Error(`${values.length} values do not fill a ${shape.join('x')} tensor`);
  const maps: Maps = Array.from({ length: c }, () => filledGrid(h, w));
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const base = (r * w + col) * c;
      for (let k = 0; k < c; k++) maps[k]![r]![col] = values[base + k]!;
    }
  }
  return { shape: [c, h, w], maps };
}

/** `[channel][row][col]` back to HWC values. */
export function mapsToHwc(maps: Maps): Float32Array {
  const c = maps.length;
  const [h, w] = gridSize(maps[0] ?? []);
  const out = new Float32Array(h * w * c);
  for (let k = 0; k < c; k++) for (let r = 0; r < h; r++) for (let col = 0; col < w; col++) out[(r * w + col) * c + k] = maps[k]![r]![col]!;
  return out;
}

/** A Conv2D kernel in TF.js's HWIO layout (`[kh, kw, in, out]`, flattened) to `[filter][channel][row][col]`. */
export function hwioToKernels(values: ArrayLike<number>, shape: readonly number[]): Kernels {
  const [kh, kw, channels, filters] = shape as [number, number, number, number];
  if (shape.length !== 4 || values.length !== kh * kw * channels * filters) throw new Error(`a kernel of shape [${shape.join(', ')}] is not HWIO`);
  return Array.from({ length: filters }, (_, f) =>
    Array.from({ length: channels }, (_, c) => Array.from({ length: kh }, (_, r) => Array.from({ length: kw }, (_, k) => values[((r * kw + k) * channels + c) * filters + f]!))),
  );
}
