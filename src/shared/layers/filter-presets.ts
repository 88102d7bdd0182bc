/**
 * Hand-crafted 3x3 masks the CNN lecture starts from, usable as fixed Conv2D filters. Values are
 * written as the kernel is applied (cross-correlation, as every deep-learning framework does), row by
 * row from the top. Robinson's masks follow Robinson (1977) as tabulated on Wikipedia's "Robinson
 * compass mask": North is the vertical-edge Sobel mask, the others are its 45° rotations.
 */
export const FILTER_PRESETS = {
  'sobel-vertical': [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
  'sobel-horizontal': [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ],
  'robinson-n': [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
  'robinson-nw': [
    [0, 1, 2],
    [-1, 0, 1],
    [-2, -1, 0],
  ],
  'robinson-w': [
    [1, 2, 1],
    [0, 0, 0],
    [-1, -2, -1],
  ],
  'robinson-sw': [
    [2, 1, 0],
    [1, 0, -1],
    [0, -1, -2],
  ],
  'robinson-s': [
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1],
  ],
  'robinson-se': [
    [0, -1, -2],
    [1, 0, -1],
    [2, 1, 0],
  ],
  'robinson-e': [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ],
  'robinson-ne': [
    [-2, -1, 0],
    [-1, 0, 1],
    [0, 1, 2],
  ],
} as const satisfies Record<string, readonly (readonly number[])[]>;

export type FilterPresetName = keyof typeof FILTER_PRESETS;

export const FILTER_PRESET_NAMES = Object.keys(FILTER_PRESETS) as [FilterPresetName, ...FilterPresetName[]];

/**
 * The full `[filter][channel][row][col]` values for a list of presets on an input with `channels`
 * channels. The mask is spread evenly over the channels (each gets mask / channels), so on a colour
 * image a preset responds to the edges of the channel mean, the grey image.
 */
export function presetFilterValues(names: readonly FilterPresetName[], channels: number): number[][][][] {
  return names.map((name) =>
    Array.from({ length: channels }, () => FILTER_PRESETS[name].map((row) => row.map((v) => v / channels))),
  );
}
