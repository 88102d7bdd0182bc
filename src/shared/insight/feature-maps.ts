import { z } from 'zod';
import type { Maps } from './grids';
import { mapsSchema } from './grids';

/** Statistics of one layer's output for one image. */
export interface MapStats {
  mean: number;
  min: number;
  max: number;
  /** Fraction of values exactly 0: after ReLU, how much of the layer is switched off. */
  zeroFraction: number;
}

export const mapStatsSchema = z.object({ mean: z.number(), min: z.number(), max: z.number(), zeroFraction: z.number().min(0).max(1) });

/** Mean, min, max and the fraction of exact zeros of some values. */
export function mapStats(values: ArrayLike<number>): MapStats {
  const n = values.length;
  if (!n) return { mean: 0, min: 0, max: 0, zeroFraction: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros += 1;
  }
  return { mean: sum / n, min, max, zeroFraction: zeros / n };
}

/**
 * One node's output for one image: `maps` indexed `[channel][row][col]` with `shape` `[C, H, W]`; a
 * vector output of N values is N maps of 1x1.
 */
export interface LayerActivation {
  layer: string;
  kind: string;
  shape: [number, number, number];
  maps: Maps;
  stats: MapStats;
}

export const layerActivationSchema = z.object({
  layer: z.string(),
  kind: z.string(),
  shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  maps: mapsSchema,
  stats: mapStatsSchema,
});
