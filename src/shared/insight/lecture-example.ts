import type { Kernels, Maps } from './grids';

/**
 * The classic lecture example of a convolution: a 6x6 binary image and two 3x3 filters, the first
 * detecting a descending diagonal and the second a vertical line. With stride 1 and no padding they
 * give the two 4x4 maps below (checked by hand in test/shared/insight).
 */
export const LECTURE_IMAGE: readonly (readonly number[])[] = [
  [1, 0, 0, 0, 0, 1],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 1, 0, 0],
  [1, 0, 0, 0, 1, 0],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 0, 1, 0],
];

export const LECTURE_FILTERS: readonly (readonly (readonly number[])[])[] = [
  [
    [1, -1, -1],
    [-1, 1, -1],
    [-1, -1, 1],
  ],
  [
    [-1, 1, -1],
    [-1, 1, -1],
    [-1, 1, -1],
  ],
];

/** The lecture image as one-channel maps, `[channel][row][col]` (a fresh copy). */
export function lectureInput(): Maps {
  return [LECTURE_IMAGE.map((row) => [...row])];
}

/** The two lecture filters as `[filter][channel][row][col]` (a fresh copy). */
export function lectureFilters(): Kernels {
  return LECTURE_FILTERS.map((f) => [f.map((row) => [...row])]);
}

/**
 * The lecture filters' idea at any size n: filter 1 is +1 on the descending diagonal and −1 elsewhere,
 * filter 2 is +1 in the middle column and −1 elsewhere (for n = 3 they are the lecture's filters).
 */
export function lectureStyleFilters(n: number): Kernels {
  const mid = Math.floor(n / 2);
  const make = (on: (r: number, c: number) => boolean) => [Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (on(r, c) ? 1 : -1)))];
  return [make((r, c) => r === c), make((_, c) => c === mid)];
}

/**
 * A binary image of size `size` in the lecture image's spirit, for windows larger than 6x6: both
 * diagonals and the middle column set to 1.
 */
export function lectureStyleImage(size: number): Maps {
  const mid = Math.floor(size / 2);
  return [Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => (r === c || r + c === size - 1 || c === mid ? 1 : 0)))];
}
