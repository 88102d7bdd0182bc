import type { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import { rangeOf } from '../../../shared/insight/colour-scale';
import { applyKernel } from '../../../shared/insight/convolution';
import type { Grid } from '../../../shared/insight/grids';
import { flatValues, hwioToKernels } from '../../../shared/insight/grids';
import type { FilterResponseReport, filterResponsesJobParamsSchema } from '../../../shared/insight/insight-jobs';
import { FILTER_PRESETS } from '../../../shared/layers/filter-presets';
import type { JobContext } from '../training/job-context';
import { nodeActivations } from './activations';
import { greyInput, readImageInput } from './image-input';
import { openInsightModel } from './insight-model';
import type { SheetTile } from './insight-png';
import { drawSheet, writePng } from './insight-png';
import { firstConvLayer, requireLayer } from './layer-choice';

type FilterResponsesParams = z.output<typeof filterResponsesJobParamsSchema>;

/**
 * Hand-crafted masks (Sobel, Robinson, typed kernels) and a layer's learned filters applied to the
 * same image, side by side: the masks on the grey network input (stride 1, `same` padding, no bias),
 * the learned filters as the layer's own output for that image.
 */
export async function compareFilterResponses(params: FilterResponsesParams, _ctx: JobContext): Promise<FilterResponseReport> {
  const masks: { name: string; kernel: Grid }[] = [
    ...params.presets.map((name) => ({ name, kernel: FILTER_PRESETS[name].map((row) => [...row]) })),
    ...params.kernels.map((k) => ({ name: k.name, kernel: checkSquare(k.name, k.values) })),
  ];
  const model = await openInsightModel(params.target, params.backend);
  try {
    const node = params.layer === null ? firstConvLayer(model.flat) : requireLayer(model.flat, params.layer, 'conv');
    const input = await readImageInput(params.image, model.preprocessing);
    try {
      const grey = greyInput(input, model.preprocessing);
      const handCrafted = masks.map((m) => ({ ...m, response: applyKernel(grey, m.kernel, 'same') }));
      const [learnedMaps] = nodeActivations(model, [node], input);
      const kernel = model.weights[node.id]!.kernel!;
      const learned = {
        layer: node.id,
        activation: String(node.params.activation),
        weightsFrom: model.weightsFrom,
        kernels: hwioToKernels(kernel.values, kernel.shape),
        responses: learnedMaps!.maps,
      };
      let png: string | null = null;
      if (params.png) png = await writePng(params.png.path, drawComparison(grey, handCrafted, learned.responses), 'the filter comparison picture');
      return { image: params.image, preprocessing: model.preprocessing, grey, handCrafted, learned, png };
    } finally {
      input.tensor.dispose();
    }
  } finally {
    model.dispose();
  }
}

function checkSquare(name: string, values: Grid): Grid {
  if (values.some((row) => row.length !== values.length)) {
    throw new StudioError('invalid-argument', `The custom kernel "${name}" is not square: it has ${values.length} row(s) of ${values.map((r) => r.length).join(', ')} value(s).`, {
      hint: 'Give n rows of n values.',
      where: name,
    });
  }
  return values;
}

/** Row 1: the grey input, then each mask's response; then the learned responses, wrapped to the same width. */
function drawComparison(grey: Grid, handCrafted: { response: Grid }[], learned: Grid[]) {
  const first: SheetTile[] = [
    { planes: [grey], range: rangeOf(flatValues(grey)), scale: 'grey' },
    ...handCrafted.map((h): SheetTile => ({ planes: [h.response], range: rangeOf(flatValues(h.response), true), scale: 'diverging' })),
  ];
  const columns = Math.max(first.length, 4);
  const learnedRange = rangeOf(flatValues(learned), true);
  const signed = learnedRange.max > 0 && rangeOf(flatValues(learned)).min < 0;
  const tiles = learned.map((map): SheetTile => (signed ? { planes: [map], range: learnedRange, scale: 'diverging' } : { planes: [map], range: rangeOf(flatValues(learned)), scale: 'viridis' }));
  const rows: SheetTile[][] = [first];
  for (let i = 0; i < tiles.length; i += columns) rows.push(tiles.slice(i, i + columns));
  return drawSheet(rows, { cellPixels: 84 });
}
