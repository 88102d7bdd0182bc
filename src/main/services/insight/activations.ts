import * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import { rangeOf } from '../../../shared/insight/colour-scale';
import type { LayerActivation } from '../../../shared/insight/feature-maps';
import { mapStats } from '../../../shared/insight/feature-maps';
import { flatValues, hwcToMaps } from '../../../shared/insight/grids';
import type { ActivationReport, activationsJobParamsSchema } from '../../../shared/insight/insight-jobs';
import type { FlatNode } from '../../../shared/shapes/analyze';
import type { JobContext } from '../training/job-context';
import type { ImageInput } from './image-input';
import { readImageInput } from './image-input';
import type { InsightModel } from './insight-model';
import { openInsightModel } from './insight-model';
import type { SheetTile } from './insight-png';
import { drawSheet, writePng } from './insight-png';
import { requireLayer } from './layer-choice';

type ActivationsParams = z.output<typeof activationsJobParamsSchema>;

/**
 * The output of chosen nodes (or of every node: one image followed through the whole network) for one
 * image, as `[channel][row][col]` maps with statistics, and optionally one layer as a PNG grid.
 */
export async function computeActivations(params: ActivationsParams, _ctx: JobContext): Promise<ActivationReport> {
  const model = await openInsightModel(params.target, params.backend);
  try {
    const nodes = chooseNodes(model, params.layers);
    if (params.png && nodes.length !== 1) {
      throw new StudioError('invalid-argument', `A feature-map picture shows one layer, but ${nodes.length} are asked for.`, { hint: 'Ask for one layer with the picture.', where: '--layer' });
    }
    const input = await readImageInput(params.image, model.preprocessing);
    try {
      const layers = nodeActivations(model, nodes, input);
      let png: string | null = null;
      if (params.png) png = await writePng(params.png.path, drawMaps(layers[0]!, params.png), 'the feature-map picture');
      return { image: params.image, preprocessing: model.preprocessing, weightsFrom: model.weightsFrom, layers, png };
    } finally {
      input.tensor.dispose();
    }
  } finally {
    model.dispose();
  }
}

function chooseNodes(model: InsightModel, ids: string[] | null): FlatNode[] {
  if (!ids) return model.flat.nodes;
  const wanted = new Set(ids.map((id) => requireLayer(model.flat, id, 'any').id));
  return model.flat.nodes.filter((n) => wanted.has(n.id));
}

/** Runs the image through a second model whose outputs are the chosen nodes' outputs. */
export function nodeActivations(model: InsightModel, nodes: FlatNode[], input: ImageInput): LayerActivation[] {
  const inner = nodes.filter((n) => n.id !== model.flat.inputId);
  const values = new Map<string, ArrayLike<number>>([[model.flat.inputId, input.values]]);
  if (inner.length) {
    tf.tidy(() => {
      // Shares the compiled model's layers and weights; it owns nothing, so it is not disposed.
      const features = tf.model({ inputs: model.compiled.model.inputs, outputs: inner.map((n) => model.compiled.nodes.get(n.id)!.output) });
      const out = features.predict(input.tensor);
      const tensors = Array.isArray(out) ? out : [out];
      inner.forEach((n, i) => values.set(n.id, tensors[i]!.dataSync()));
    });
  }
  return nodes.map((node) => {
    const data = values.get(node.id)!;
    const { shape, maps } = hwcToMaps(data, node.outputShape);
    return { layer: node.id, kind: node.kind, shape, maps, stats: mapStats(data) };
  });
}

function drawMaps(layer: LayerActivation, options: NonNullable<ActivationsParams['png']>) {
  const layerRange = rangeOf(flatValues(layer.maps));
  const tiles: SheetTile[] = layer.maps.map((map) => ({ planes: [map], range: options.scale === 'layer' ? layerRange : rangeOf(flatValues(map)), scale: options.colourScale }));
  const columns = Math.ceil(Math.sqrt(tiles.length));
  const rows: SheetTile[][] = [];
  for (let i = 0; i < tiles.length; i += columns) rows.push(tiles.slice(i, i + columns));
  return drawSheet(rows, { cellPixels: 112, legend: options.scale === 'layer' ? options.colourScale : null });
}
