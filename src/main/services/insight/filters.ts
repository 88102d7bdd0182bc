import { join } from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import type { FilterGrid } from '../../../shared/insight/filter-display';
import { filterGrid } from '../../../shared/insight/filter-display';
import type { Kernels } from '../../../shared/insight/grids';
import { flatValues, hwioToKernels } from '../../../shared/insight/grids';
import type { FilterReport, filtersJobParamsSchema } from '../../../shared/insight/insight-jobs';
import { rangeOf } from '../../../shared/insight/colour-scale';
import type { FlatNode } from '../../../shared/shapes/analyze';
import type { NodeWeights, WeightSet } from '../../../shared/weights';
import { RUN_FILES } from '../runs/run-folder';
import { readWeightsFolder } from '../runs/weights-folder';
import type { JobContext } from '../training/job-context';
import type { SheetTile } from './insight-png';
import { drawSheet, joinSideBySide, writePng } from './insight-png';
import type { InsightModel } from './insight-model';
import { openInsightModel } from './insight-model';
import { requireLayer } from './layer-choice';

type FiltersParams = z.output<typeof filtersJobParamsSchema>;

/** Pixels between filter tiles. */
const FILTER_GAP = 3;

/**
 * The kernels of one Conv2D as `[filter][channel][row][col]`, from a run (its chosen weights, and the
 * weights it started from when it kept them) or a project (what training would start from), and
 * optionally as a PNG grid.
 */
export async function inspectFilters(params: FiltersParams, _ctx: JobContext): Promise<FilterReport> {
  const model = await openInsightModel(params.target, params.backend);
  try {
    const node = requireLayer(model.flat, params.layer, 'conv');
    const trained = layerFilters(model.weights, node, model.weightsFrom);
    const initial = await initialFilters(model, params, node);
    const channels = trained.values[0]?.length ?? 0;
    const report: FilterReport = {
      layer: node.id,
      kind: 'Conv2D',
      filters: trained.values.length,
      channels,
      kernelSize: node.params.kernelSize as number,
      source: model.source,
      channelOrder: model.preprocessing.channelOrder,
      origin: filterOrigin(model, node),
      ...trained,
      initial,
      png: null,
    };
    if (params.png) {
      const { path, mode, scale, compare } = params.png;
      const options = { mode: mode ?? undefined, scale, channelOrder: model.preprocessing.channelOrder, layer: node.id };
      const after = filterGrid(trained.values, options);
      if (compare) {
        if (!initial) {
          throw new StudioError('invalid-argument', `There is nothing to compare ${node.id} with: ${model.source === 'run' ? 'the run did not keep the weights it started from' : 'a project has not been trained'}.`, {
            hint: model.source === 'run' ? 'Train again with this version, or leave out --compare.' : 'Give a run folder to compare before and after training.',
            where: '--compare',
          });
        }
        const before = filterGrid(initial.values, options);
        if (scale === 'shared') shareRange([before, after]);
        report.png = await writePng(path, joinSideBySide([drawFilterSheet(before, scale), drawFilterSheet(after, scale)]), 'the filter picture');
      } else {
        report.png = await writePng(path, drawFilterSheet(after, scale), 'the filter picture');
      }
    }
    return report;
  } finally {
    model.dispose();
  }
}

/** One layer's kernels and bias from a weight set. */
function layerFilters(weights: WeightSet, node: FlatNode, weightsFrom: string): { weightsFrom: string; values: Kernels; bias: number[] | null } {
  const entry: NodeWeights | undefined = weights[node.id];
  const kernel = entry?.kernel;
  if (!kernel) throw new StudioError('run-invalid', `The weights in ${weightsFrom} hold no kernel for ${node.id}.`, { hint: 'Use weights trained with this network.', where: node.id });
  return { weightsFrom, values: hwioToKernels(kernel.values, kernel.shape), bias: entry.bias ? Array.from(entry.bias.values) : null };
}

async function initialFilters(model: InsightModel, params: FiltersParams, node: FlatNode): Promise<FilterReport['initial']> {
  if (params.target.kind !== 'run' || params.target.weights === 'initial') return null;
  const dir = join(params.target.runDir, RUN_FILES.initial);
  let weights: WeightSet;
  try {
    weights = await readWeightsFolder(dir);
  } catch {
    // Runs trained before the initial weights were kept have no such folder: nothing to compare.
    return null;
  }
  return weights[node.id]?.kernel ? layerFilters(weights, node, RUN_FILES.initial) : null;
}

function filterOrigin(model: InsightModel, node: FlatNode): string {
  if (model.source === 'project' && !model.project.initialWeights) {
    const preset = node.params.filterPreset as string | string[] | null | undefined;
    if (preset) return `fixed filters: the preset${Array.isArray(preset) && preset.length > 1 ? 's' : ''} ${Array.isArray(preset) ? preset.join(', ') : preset}`;
    if (node.params.filterValues) return 'fixed filters: the values typed into the layer';
  }
  return model.origin;
}

/** Gives the tiles of several grids one range, so that before and after compare. */
function shareRange(grids: FilterGrid[]): void {
  const range = rangeOf(flatValues(grids.map((g) => g.rows.map((row) => row.map((t) => [t.range.min, t.range.max])))));
  for (const grid of grids) {
    grid.range = range;
    for (const row of grid.rows) for (const tile of row) tile.range = range;
  }
}

function drawFilterSheet(grid: FilterGrid, scale: FilterGrid['scale']) {
  const rows: SheetTile[][] = grid.rows.map((row) => row.map((tile) => ({ planes: tile.planes, range: tile.range, scale: 'grey' })));
  // A blue background: grey gaps would melt into grey filters.
  return drawSheet(rows, { cellPixels: 48, gap: FILTER_GAP, background: [32, 64, 112], legend: scale === 'shared' && grid.mode !== 'rgb' ? 'grey' : null });
}
