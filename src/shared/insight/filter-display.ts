import { StudioError } from '../errors';
import type { Grid, Kernels } from './grids';
import { flatValues } from './grids';
import type { ValueRange } from './colour-scale';
import { rangeOf } from './colour-scale';

/**
 * How a Conv2D's filters are drawn: `rgb` (first layer of a colour network: one colour tile per
 * filter, its three channels as red, green, blue), `channels` (one tile per filter and input channel)
 * or `average` (one tile per filter, the mean over its input channels).
 */
export const FILTER_MODES = ['rgb', 'channels', 'average'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];

/** `shared`: one range for every tile, so filters compare; `per-filter`: each filter spans the whole scale. */
export const FILTER_SCALES = ['shared', 'per-filter'] as const;
export type FilterScale = (typeof FILTER_SCALES)[number];

/** One tile of the filter grid. */
export interface FilterTile {
  filter: number;
  /** The input channel shown, or null for `rgb` and `average` tiles. */
  channel: number | null;
  /** One `[row][col]` plane (grey) or three (red, green, blue). */
  planes: Grid[];
  /** The values the colour scale spans for this tile (symmetric: 0 is the middle). */
  range: ValueRange;
}

export interface FilterGrid {
  mode: FilterMode;
  scale: FilterScale;
  /** Tiles row by row: one row per filter in `channels` mode, else filters wrapped into rows of `columns`. */
  rows: FilterTile[][];
  /** The legend's range: the shared range, or the widest of the per-filter ranges. */
  range: ValueRange;
}

/** The mode a layer shows by default: colour for a three-channel input, each channel for one, else the average. */
export function defaultFilterMode(channels: number): FilterMode {
  return channels === 3 ? 'rgb' : channels === 1 ? 'channels' : 'average';
}

/**
 * Arranges `[filter][channel][row][col]` filters as tiles with their colour ranges. `channelOrder` is
 * the network's channel order (BGR networks show their filters in true colour too).
 */
export function filterGrid(filters: Kernels, options: { mode?: FilterMode; scale?: FilterScale; channelOrder?: 'rgb' | 'bgr'; columns?: number; layer?: string } = {}): FilterGrid {
  const channels = filters[0]?.length ?? 0;
  const mode = options.mode ?? defaultFilterMode(channels);
  const scale = options.scale ?? 'shared';
  if (mode === 'rgb' && channels !== 3) {
    const subject = options.layer ? `Layer ${options.layer}` : 'The layer';
    throw new StudioError('invalid-argument', `${subject} has ${channels} input channel(s), so its filters cannot be shown in colour.`, {
      hint: 'Colour needs a three-channel (RGB) input: use the channels or average mode.',
      where: options.layer,
    });
  }
  const shared = rangeOf(flatValues(filters), true);
  const tiles = filters.map((filter, f) => {
    const range = scale === 'shared' ? shared : rangeOf(flatValues(filter), true);
    switch (mode) {
      case 'rgb': {
        const planes = options.channelOrder === 'bgr' ? [filter[2]!, filter[1]!, filter[0]!] : [filter[0]!, filter[1]!, filter[2]!];
        return [{ filter: f, channel: null, planes, range }];
      }
      case 'average': {
        const n = filter[0]!.length;
        const mean = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => filter.reduce((sum, grid) => sum + grid[r]![c]!, 0) / filter.length));
        return [{ filter: f, channel: null, planes: [mean], range: scale === 'shared' ? range : rangeOf(flatValues(mean), true) }];
      }
      case 'channels':
        return filter.map((grid, c) => ({ filter: f, channel: c, planes: [grid], range }));
    }
  });
  let rows: FilterTile[][];
  if (mode === 'channels' && channels > 1) rows = tiles;
  else {
    const flat = tiles.flat();
    const columns = Math.max(1, options.columns ?? Math.ceil(Math.sqrt(flat.length)));
    rows = [];
    for (let i = 0; i < flat.length; i += columns) rows.push(flat.slice(i, i + columns));
  }
  // Average tiles under a shared scale: the means' own symmetric range, so they do not all look grey.
  if (mode === 'average' && scale === 'shared') {
    const averaged = rangeOf(flatValues(rows.map((r) => r.map((t) => t.planes))), true);
    for (const row of rows) for (const tile of row) tile.range = averaged;
  }
  const all = rows.flat().map((t) => t.range);
  const range = { min: Math.min(...all.map((r) => r.min)), max: Math.max(...all.map((r) => r.max)) };
  return { mode, scale, rows, range };
}
