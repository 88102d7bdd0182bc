/**
 * Fixed filter values, `[filter][channel][row][col]`, as the inspector's grid edits them: sized from
 * the layer (filters x input channels x kernel x kernel) and changed one cell at a time.
 */
export type FilterValues = number[][][][];

/** All-zero values of the given size. */
export function zeroFilterValues(filters: number, channels: number, kernel: number): FilterValues {
  return Array.from({ length: filters }, () => Array.from({ length: channels }, () => Array.from({ length: kernel }, () => Array<number>(kernel).fill(0))));
}

/** The values cut or padded with zeros to a new size, keeping what fits (top-left cells first). */
export function resizeFilterValues(values: FilterValues, filters: number, channels: number, kernel: number): FilterValues {
  return Array.from({ length: filters }, (_, f) =>
    Array.from({ length: channels }, (_, c) => Array.from({ length: kernel }, (_, r) => Array.from({ length: kernel }, (_, k) => values[f]?.[c]?.[r]?.[k] ?? 0))),
  );
}

/** True when the values have exactly this size. */
export function filterValuesFit(values: FilterValues, filters: number, channels: number, kernel: number): boolean {
  return (
    values.length === filters &&
    values.every((f) => f.length === channels && f.every((c) => c.length === kernel && c.every((row) => row.length === kernel)))
  );
}

/** A copy with one cell changed. */
export function withFilterCell(values: FilterValues, f: number, c: number, row: number, col: number, value: number): FilterValues {
  return values.map((filter, fi) =>
    fi !== f ? filter : filter.map((channel, ci) => (ci !== c ? channel : channel.map((r, ri) => (ri !== row ? r : r.map((v, k) => (k === col ? value : v)))))),
  );
}
