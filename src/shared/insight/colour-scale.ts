/**
 * Colour scales for maps, filters and heatmaps, shared by the PNG renderer and the UI so both draw the
 * same colours. `grey` for filters (0 = mid grey on a symmetric range), `viridis` for feature maps
 * (perceptually even), `jet` for saliency heatmaps (the Grad-CAM paper's convention), `diverging`
 * (blue, white, red) for signed values.
 */
export const COLOUR_SCALES = ['grey', 'viridis', 'jet', 'diverging'] as const;
export type ColourScaleName = (typeof COLOUR_SCALES)[number];

export type Rgb = [number, number, number];

/** The range of values a colour scale spans: `min` maps to its first colour, `max` to its last. */
export interface ValueRange {
  min: number;
  max: number;
}

/** R's viridis(9) (van der Walt and Smith, matplotlib's default), evenly spaced stops. */
const VIRIDIS: readonly Rgb[] = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2d, 0x7b],
  [0x3b, 0x52, 0x8b],
  [0x2c, 0x72, 0x8e],
  [0x21, 0x90, 0x8c],
  [0x27, 0xad, 0x81],
  [0x5d, 0xc8, 0x63],
  [0xaa, 0xdc, 0x32],
  [0xfd, 0xe7, 0x25],
];

/** Moreland's cool-warm ends around white: negative blue, zero white, positive red. */
const DIVERGING: readonly Rgb[] = [
  [0x3b, 0x4c, 0xc0],
  [0xf7, 0xf7, 0xf7],
  [0xb4, 0x04, 0x26],
];

/** The colour of `t` in [0, 1] (clamped; NaN is 0) as 8-bit RGB. */
export function colourAt(scale: ColourScaleName, t: number): Rgb {
  const u = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  switch (scale) {
    case 'grey': {
      const v = Math.round(u * 255);
      return [v, v, v];
    }
    case 'jet': {
      // MATLAB's jet as the usual piecewise-linear formula.
      const channel = (offset: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * u - offset))));
      return [channel(3), channel(2), channel(1)];
    }
    case 'viridis':
      return interpolate(VIRIDIS, u);
    case 'diverging':
      return interpolate(DIVERGING, u);
  }
}

function interpolate(stops: readonly Rgb[], u: number): Rgb {
  const x = u * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Where `value` lies in `range`, in [0, 1]; the middle when the range is a single value. */
export function unitInRange(value: number, range: ValueRange): number {
  const span = range.max - range.min;
  if (!(span > 0)) return 0.5;
  return Math.min(1, Math.max(0, (value - range.min) / span));
}

/**
 * The range of some values: their min and max, or, `symmetric`, −m…m with m the largest magnitude, so
 * that 0 sits in the middle of the scale (filters, signed maps).
 */
export function rangeOf(values: Iterable<number>, symmetric = false): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { min: 0, max: 0 };
  if (symmetric) {
    const m = Math.max(Math.abs(min), Math.abs(max));
    return { min: -m, max: m };
  }
  return { min, max };
}

/** `count` evenly spaced colours of a scale, first to last: a legend bar. */
export function legendColours(scale: ColourScaleName, count: number): Rgb[] {
  return Array.from({ length: count }, (_, i) => colourAt(scale, count === 1 ? 0.5 : i / (count - 1)));
}
