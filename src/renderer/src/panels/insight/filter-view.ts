import type { ValueRange } from '../../../../shared/insight/colour-scale';
import type { FilterGrid, FilterMode, FilterScale } from '../../../../shared/insight/filter-display';
import { defaultFilterMode, filterGrid } from '../../../../shared/insight/filter-display';
import type { FilterReport } from '../../../../shared/insight/insight-jobs';

/** The filter grids to draw: after training, and before it when asked for and kept, on one legend. */
export interface FilterGrids {
  after: FilterGrid;
  before: FilterGrid | null;
  range: ValueRange;
}

/** The modes a layer can be drawn in: colour only for a three-channel input. */
export function filterModes(channels: number): FilterMode[] {
  return channels === 3 ? ['rgb', 'channels', 'average'] : ['channels', 'average'];
}

/**
 * Arranges a report's kernels as tiles. With `compare` and a shared scale, before and after share one
 * symmetric range, so a filter that barely moved looks the same on both sides.
 */
export function filterGrids(report: FilterReport, options: { mode: FilterMode | null; scale: FilterScale; compare: boolean }): FilterGrids {
  const mode = options.mode && filterModes(report.channels).includes(options.mode) ? options.mode : defaultFilterMode(report.channels);
  const settings = { mode, scale: options.scale, channelOrder: report.channelOrder, layer: report.layer };
  const after = filterGrid(report.values, settings);
  const before = options.compare && report.initial ? filterGrid(report.initial.values, settings) : null;
  if (!before) return { after, before, range: after.range };
  const m = Math.max(Math.abs(after.range.min), Math.abs(after.range.max), Math.abs(before.range.min), Math.abs(before.range.max));
  const range = { min: -m, max: m };
  if (options.scale === 'shared') {
    for (const grid of [after, before]) {
      grid.range = range;
      for (const row of grid.rows) for (const tile of row) tile.range = range;
    }
  }
  return { after, before, range };
}

/** How much each filter changed in training: the mean absolute difference of its weights. */
export function filterChange(report: FilterReport): number[] | null {
  const initial = report.initial?.values;
  if (!initial) return null;
  return report.values.map((filter, f) => {
    let sum = 0;
    let n = 0;
    filter.forEach((grid, c) =>
      grid.forEach((row, r) =>
        row.forEach((v, k) => {
          sum += Math.abs(v - (initial[f]?.[c]?.[r]?.[k] ?? 0));
          n += 1;
        }),
      ),
    );
    return n ? sum / n : 0;
  });
}
