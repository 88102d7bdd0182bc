import * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import type { Grid } from '../../../shared/insight/grids';
import { hwcToMaps } from '../../../shared/insight/grids';
import type { SaliencyReport, saliencyJobParamsSchema } from '../../../shared/insight/insight-jobs';
import { gradCam, gradientSaliency, normalizeMap, resizeBilinear } from '../../../shared/insight/saliency-maps';
import type { JobContext } from '../training/job-context';
import { runGraph, runNodes } from './graph-executor';
import type { ImageInput } from './image-input';
import { readImageInput } from './image-input';
import type { InsightModel } from './insight-model';
import { openInsightModel } from './insight-model';
import { drawOverlay, writePng } from './insight-png';
import { defaultGradCamLayer, requireLayer } from './layer-choice';

type SaliencyParams = z.output<typeof saliencyJobParamsSchema>;

/**
 * Where the network looks for a class: Grad-CAM on a layer's feature maps, or the plain gradient of
 * the class score with respect to the input. The class score is the Output's value before softmax
 * (as both papers use), for the predicted class or a named one.
 */
export async function computeSaliency(params: SaliencyParams, _ctx: JobContext): Promise<SaliencyReport> {
  const model = await openInsightModel(params.target, params.backend);
  try {
    const input = await readImageInput(params.image, model.preprocessing);
    try {
      const probabilities = Array.from(tf.tidy(() => (model.compiled.model.predict(input.tensor) as tf.Tensor).dataSync()));
      let predicted = 0;
      for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[predicted]!) predicted = i;
      const classIndex = params.className === null ? predicted : classIndexOf(model, params.className);
      const { height, width } = model.preprocessing;
      let result: { layer: string | null; map: Grid; layerMap: Grid | null; channelWeights: number[] | null };
      if (params.method === 'gradcam') {
        const node = params.layer === null ? defaultGradCamLayer(model.flat) : requireLayer(model.flat, params.layer, 'map');
        const cam = gradCamFor(model, input, node.id, classIndex);
        result = { layer: node.id, map: resizeBilinear(cam.map, height, width), layerMap: cam.map, channelWeights: cam.weights };
      } else {
        if (params.layer !== null) {
          throw new StudioError('invalid-argument', 'Gradient saliency is taken with respect to the input image, so it has no layer to choose.', { hint: 'Leave out --layer, or use --method gradcam.', where: '--layer' });
        }
        result = { layer: null, map: inputGradientSaliency(model, input, classIndex), layerMap: null, channelWeights: null };
      }
      let png: string | null = null;
      if (params.png) {
        const heat = normalizeMap(result.layerMap ?? result.map);
        png = await writePng(params.png.path, drawOverlay(input.pixels, heat, { opacity: params.png.opacity }), 'the saliency picture');
      }
      return {
        image: params.image,
        method: params.method,
        ...result,
        className: model.labels[classIndex]!,
        classIndex,
        predicted: model.labels[predicted]!,
        labels: model.labels,
        probabilities,
        weightsFrom: model.weightsFrom,
        png,
      };
    } finally {
      input.tensor.dispose();
    }
  } finally {
    model.dispose();
  }
}

function classIndexOf(model: InsightModel, name: string): number {
  const index = model.labels.indexOf(name);
  if (index < 0) {
    throw new StudioError('invalid-argument', `The ${model.source === 'run' ? 'run' : 'network'} has no class "${name}". Its classes: ${model.labels.join(', ')}.`, {
      hint: 'Give one of those names (as in labels.json of the run folder).',
      where: '--class',
    });
  }
  return index;
}

/** The class score (before softmax) of a batch of one, as a scalar. */
function classScore(logits: tf.Tensor, classIndex: number): tf.Scalar {
  return tf.sum(tf.slice(logits, [0, classIndex], [1, 1]));
}

/** Grad-CAM at `layerId`: the layer's maps A and ∂score/∂A, combined as Selvaraju et al. do. */
export function gradCamFor(model: InsightModel, input: ImageInput, layerId: string, classIndex: number): { map: Grid; weights: number[] } {
  const { flat, compiled } = model;
  const index = flat.nodes.findIndex((n) => n.id === layerId);
  const [h, w, k] = flat.nodes[index]!.outputShape as [number, number, number];
  const { activations, gradients } = tf.tidy(() => {
    const before = runGraph(compiled, flat, input.tensor, { until: layerId });
    const a = before.get(layerId)!;
    const score = (value: tf.Tensor) => {
      const values = new Map(before);
      values.set(layerId, value);
      runNodes(compiled, flat, values, index + 1, flat.nodes.length, { logits: true });
      return classScore(values.get(flat.outputId)!, classIndex);
    };
    const g = tf.grad(score)(a);
    return { activations: a.dataSync(), gradients: g.dataSync() };
  });
  return gradCam(hwcToMaps(activations, [h, w, k]).maps, hwcToMaps(gradients, [h, w, k]).maps);
}

/** max over channels of |∂score/∂x| at every input pixel. */
export function inputGradientSaliency(model: InsightModel, input: ImageInput, classIndex: number): Grid {
  const { flat, compiled, preprocessing } = model;
  const gradients = tf.tidy(() => {
    const score = (x: tf.Tensor) => classScore(runGraph(compiled, flat, x as tf.Tensor4D, { logits: true }).get(flat.outputId)!, classIndex);
    return tf.grad(score)(input.tensor).dataSync();
  });
  return gradientSaliency(hwcToMaps(gradients, [preprocessing.height, preprocessing.width, preprocessing.channels]).maps);
}
