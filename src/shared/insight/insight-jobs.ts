import { z } from 'zod';
import { FILTER_PRESET_NAMES } from '../layers/filter-presets';
import { preprocessingSchema } from '../project/preprocessing';
import { projectFileSchema } from '../project/schema';
import { BACKEND_CHOICES } from '../project/settings';
import { COLOUR_SCALES } from './colour-scale';
import { layerActivationSchema } from './feature-maps';
import { FILTER_MODES, FILTER_SCALES } from './filter-display';
import { gridSchema, kernelsSchema } from './grids';

/**
 * The engine jobs behind the "see inside the network" views: parameters and results, validated on
 * both sides of the engine process boundary. Every result is plain JSON, shaped for the views:
 * filters `[filter][channel][row][col]`, feature maps `[channel][row][col]`, heatmaps `[row][col]`.
 */

const path = z.string().min(1).max(4096);
const layerId = z.string().min(1).max(1000);

/** Which weights of a run: the final ones, the best epoch's, the last checkpoint, or those training started from. */
export const RUN_WEIGHT_CHOICES = ['final', 'best', 'last-checkpoint', 'initial'] as const;
export type RunWeightChoice = (typeof RUN_WEIGHT_CHOICES)[number];

/**
 * What to look inside: a trained run (its weights and preprocessing), or a project (its starting
 * weights: fixed filters, imported weights, or the seeded initialisation; pixel/255 unless its
 * normalisation needs no dataset statistics).
 */
export const insightTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('run'), runDir: path, weights: z.enum(RUN_WEIGHT_CHOICES).default('final') }),
  z.strictObject({
    kind: z.literal('project'),
    project: projectFileSchema,
    /** Where the project file lives, to resolve its initial weights' relative path (null: unsaved). */
    projectPath: z.string().max(4096).nullable(),
  }),
]);
export type InsightTarget = z.input<typeof insightTargetSchema>;

const backend = z.enum(BACKEND_CHOICES).default('auto');

// ── Filters ────────────────────────────────────────────────────────────────────────────────────────

export const filtersJobParamsSchema = z.strictObject({
  target: insightTargetSchema,
  /** A Conv2D's flat id (`conv1`, `res.conv1`). */
  layer: layerId,
  /** Also draw the filters as a PNG grid at this path. */
  png: z
    .strictObject({
      path,
      /** Null: colour for an RGB input, each channel for one channel, else the average. */
      mode: z.enum(FILTER_MODES).nullable().default(null),
      scale: z.enum(FILTER_SCALES).default('shared'),
      /** Before (left) and after training (right) on one scale, when the run kept its initial weights. */
      compare: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  backend,
});
export type FiltersJobParams = z.input<typeof filtersJobParamsSchema>;

const filterValuesSchema = z.object({
  /** Where the values come from: a folder of the run (`weights`, `checkpoints/best`, `initial`) or the project's initialisation. */
  weightsFrom: z.string(),
  /** `[filter][channel][row][col]`. */
  values: kernelsSchema,
  /** One per filter, or null for a layer without bias. */
  bias: z.array(z.number()).nullable(),
});

export const filterReportSchema = filterValuesSchema.extend({
  layer: z.string(),
  kind: z.literal('Conv2D'),
  filters: z.number().int(),
  channels: z.number().int(),
  kernelSize: z.number().int(),
  source: z.enum(['run', 'project']),
  /** How the network's input channels are ordered (BGR filters are shown in true colour). */
  channelOrder: z.enum(['rgb', 'bgr']),
  /** A sentence on where the weights come from ("seeded initialisation, seed 7", "fixed filters: sobel-vertical"). */
  origin: z.string(),
  /** The same layer's weights before training (a run's `initial/` folder), or null when not kept or already shown. */
  initial: filterValuesSchema.nullable(),
  png: z.string().nullable(),
});
export type FilterReport = z.infer<typeof filterReportSchema>;

// ── Feature maps ───────────────────────────────────────────────────────────────────────────────────

export const activationsJobParamsSchema = z.strictObject({
  target: insightTargetSchema,
  image: path,
  /** Flat node ids, in any order (the result follows the network's order); null: every node. */
  layers: z.array(layerId).min(1).max(10000).nullable().default(null),
  /** A PNG grid of one layer's maps (exactly one layer must be asked for). */
  png: z
    .strictObject({
      path,
      colourScale: z.enum(COLOUR_SCALES).default('viridis'),
      /** `layer`: one range for the whole layer (maps compare); `map`: each map spans the scale. */
      scale: z.enum(['layer', 'map']).default('layer'),
    })
    .nullable()
    .default(null),
  backend,
});
export type ActivationsJobParams = z.input<typeof activationsJobParamsSchema>;

export const activationReportSchema = z.object({
  image: z.string(),
  /** The preprocessing the image went through (the run's, or the project's default). */
  preprocessing: preprocessingSchema,
  weightsFrom: z.string(),
  /** In the network's (topological) order. */
  layers: z.array(layerActivationSchema),
  png: z.string().nullable(),
});
export type ActivationReport = z.infer<typeof activationReportSchema>;

// ── Saliency ───────────────────────────────────────────────────────────────────────────────────────

export const SALIENCY_METHODS = ['gradcam', 'gradient'] as const;
export type SaliencyMethod = (typeof SALIENCY_METHODS)[number];

export const saliencyJobParamsSchema = z.strictObject({
  target: insightTargetSchema,
  image: path,
  /** A class name of the run's labels; null: the predicted class. */
  className: z.string().min(1).max(500).nullable().default(null),
  method: z.enum(SALIENCY_METHODS).default('gradcam'),
  /** Grad-CAM's layer (any node with a feature map); null: the last convolution before the classifier. */
  layer: layerId.nullable().default(null),
  /** The heatmap blended over the image, as a PNG at this path. */
  png: z.strictObject({ path, opacity: z.number().min(0).max(1).default(0.5) }).nullable().default(null),
  backend,
});
export type SaliencyJobParams = z.input<typeof saliencyJobParamsSchema>;

export const saliencyReportSchema = z.object({
  image: z.string(),
  method: z.enum(SALIENCY_METHODS),
  /** Grad-CAM's layer, null for gradient saliency. */
  layer: z.string().nullable(),
  /** The class explained. */
  className: z.string(),
  classIndex: z.number().int(),
  /** The network's own answer. */
  predicted: z.string(),
  labels: z.array(z.string()),
  probabilities: z.array(z.number()),
  /** `[row][col]` at the input's size: Grad-CAM upsampled bilinearly, or max over channels of |∂score/∂input|. Not normalised. */
  map: gridSchema,
  /** Grad-CAM at the layer's own resolution (null for gradient saliency). */
  layerMap: gridSchema.nullable(),
  /** Grad-CAM's α_k, one per channel of the layer (null for gradient saliency). */
  channelWeights: z.array(z.number()).nullable(),
  weightsFrom: z.string(),
  png: z.string().nullable(),
});
export type SaliencyReport = z.infer<typeof saliencyReportSchema>;

// ── Hand-crafted vs learned ────────────────────────────────────────────────────────────────────────

export const customKernelSchema = z.strictObject({
  name: z.string().min(1).max(100),
  /** A square `[row][col]` mask. */
  values: z.array(z.array(z.number().finite()).min(1).max(31)).min(1).max(31),
});

export const filterResponsesJobParamsSchema = z.strictObject({
  target: insightTargetSchema,
  image: path,
  /** The learned layer: a Conv2D's flat id; null: the first convolution of the network. */
  layer: layerId.nullable().default(null),
  /** Hand-crafted presets; default: Sobel vertical and horizontal and the eight Robinson compass masks. */
  presets: z.array(z.enum(FILTER_PRESET_NAMES)).max(64).default([...FILTER_PRESET_NAMES]),
  kernels: z.array(customKernelSchema).max(64).default([]),
  png: z.strictObject({ path }).nullable().default(null),
  backend,
});
export type FilterResponsesJobParams = z.input<typeof filterResponsesJobParamsSchema>;

export const filterResponseReportSchema = z.object({
  image: z.string(),
  preprocessing: preprocessingSchema,
  /** The network's input, grey (the mean of its channels), `[row][col]`: what the hand-crafted masks are applied to. */
  grey: gridSchema,
  handCrafted: z.array(
    z.object({
      name: z.string(),
      kernel: gridSchema,
      /** The mask correlated with the grey input, stride 1, `same` padding, no bias or activation. */
      response: gridSchema,
    }),
  ),
  learned: z.object({
    layer: z.string(),
    activation: z.string(),
    weightsFrom: z.string(),
    /** `[filter][channel][row][col]`. */
    kernels: kernelsSchema,
    /** The layer's own output for the image, one `[row][col]` map per filter (after its activation). */
    responses: z.array(gridSchema),
  }),
  png: z.string().nullable(),
});
export type FilterResponseReport = z.infer<typeof filterResponseReportSchema>;
