import { z } from 'zod';
import { layerActivationSchema } from '../../insight/feature-maps';
import {
  SALIENCY_METHODS,
  customKernelSchema,
  filterReportSchema,
  filterResponseReportSchema,
  insightTargetSchema,
  saliencyReportSchema,
} from '../../insight/insight-jobs';
import { FILTER_PRESET_NAMES } from '../../layers/filter-presets';
import { preprocessingSchema } from '../../project/preprocessing';
import { projectFileSchema } from '../../project/schema';
import { method } from '../rpc';
import { MAX_UPLOAD_IMAGE_BYTES } from './prediction';

const pathSchema = z.string().min(1).max(4096);
const layerId = z.string().min(1).max(1000);
const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

/**
 * An image for the insight views: a file on the services' machine (a dataset image), or one uploaded
 * from the window (picked or dropped; browser mode's services may run on another machine).
 */
export const insightImageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: pathSchema }),
  z.strictObject({
    kind: z.literal('upload'),
    /** The file's name as the user's system gave it (kept for its extension). */
    name: z.string().min(1).max(255),
    /** The file's bytes, base64. */
    data: z.base64().max(base64Length(MAX_UPLOAD_IMAGE_BYTES), `an image may have at most ${MAX_UPLOAD_IMAGE_BYTES / 1024 / 1024} MB`),
  }),
]);
export type InsightImage = z.input<typeof insightImageSchema>;

/** The image as the network sees it (fitted to the Input, 8-bit, before normalisation), to draw overlays on. */
export const inputPictureSchema = z.object({
  /** PNG bytes, base64. */
  png: z.string(),
  height: z.number().int(),
  width: z.number().int(),
  channels: z.union([z.literal(1), z.literal(3)]),
});
export type InputPicture = z.infer<typeof inputPictureSchema>;

/** The most feature-map values one `insight.activations` answer carries per layer; larger layers send their first maps. */
export const MAX_LAYER_VALUES = 150_000;
/** The most maps sent per layer (a layer of 512 channels shows its first 64). */
export const MAX_LAYER_MAPS = 64;

export const shownActivationSchema = layerActivationSchema.extend({
  /** How many of the layer's `shape[0]` maps are in `maps` (the first ones); the statistics cover them all. */
  mapsShown: z.number().int().min(0),
});
export type ShownActivation = z.infer<typeof shownActivationSchema>;

export const insightActivationsSchema = z.object({
  /** The image's name (the file's path, or the uploaded name). */
  image: z.string(),
  preprocessing: preprocessingSchema,
  weightsFrom: z.string(),
  /** Every layer's output for the image, in the network's order (values rounded to 5 significant digits). */
  layers: z.array(shownActivationSchema),
  input: inputPictureSchema,
});
export type InsightActivations = z.infer<typeof insightActivationsSchema>;

export const insightSaliencySchema = saliencyReportSchema.extend({ input: inputPictureSchema });
export type InsightSaliency = z.infer<typeof insightSaliencySchema>;

export const insightFilterResponsesSchema = filterResponseReportSchema.extend({ input: inputPictureSchema });
export type InsightFilterResponses = z.infer<typeof insightFilterResponsesSchema>;

/** What a run is made of, for the views to list its layers and classes without loading it into an engine. */
export const runNetworkSchema = z.object({
  runDir: z.string(),
  /** The project the run trained (its graph names the layers the other methods take). */
  project: projectFileSchema,
  labels: z.array(z.string()),
  preprocessing: preprocessingSchema,
  /** `baseline`: a hand-crafted baseline, whose network reads image features, not images. */
  kind: z.enum(['cnn', 'baseline', 'imported']),
  /** True when the run kept the weights it started from (`initial/`), so before and after can be compared. */
  hasInitial: z.boolean(),
});
export type RunNetwork = z.infer<typeof runNetworkSchema>;

/**
 * "See inside the network" (issue 8): filters, feature maps, saliency and hand-crafted vs learned
 * filters of a run (its weights and preprocessing) or of the open project (what training would start
 * from). Each runs the engine job of the same name in its own engine process.
 */
export const insightMethods = {
  'insight.runNetwork': method(z.strictObject({ runDir: pathSchema }), runNetworkSchema, "A run's network, classes and preprocessing (read from its folder, no engine)."),
  'insight.filters': method(
    z.strictObject({ target: insightTargetSchema, layer: layerId }),
    filterReportSchema,
    "A Conv2D's kernels, [filter][channel][row][col], with the weights training started from when the run kept them.",
  ),
  'insight.activations': method(
    z.strictObject({
      target: insightTargetSchema,
      image: insightImageSchema,
      /** Flat node ids; null: every layer. */
      layers: z.array(layerId).min(1).max(10000).nullable().default(null),
    }),
    insightActivationsSchema,
    "Every layer's feature maps for one image, with the output shape and statistics (mean, max, fraction of zeros).",
  ),
  'insight.saliency': method(
    z.strictObject({
      target: insightTargetSchema,
      image: insightImageSchema,
      /** A class name; null: the predicted class. */
      className: z.string().min(1).max(500).nullable().default(null),
      method: z.enum(SALIENCY_METHODS).default('gradcam'),
      /** Grad-CAM's layer; null: the last convolution. */
      layer: layerId.nullable().default(null),
    }),
    insightSaliencySchema,
    'Grad-CAM or gradient saliency of one image for the predicted or a chosen class.',
  ),
  'insight.filterResponses': method(
    z.strictObject({
      target: insightTargetSchema,
      image: insightImageSchema,
      /** A Conv2D's flat id; null: the first convolution. */
      layer: layerId.nullable().default(null),
      presets: z.array(z.enum(FILTER_PRESET_NAMES)).max(64).default([...FILTER_PRESET_NAMES]),
      kernels: z.array(customKernelSchema).max(64).default([]),
    }),
    insightFilterResponsesSchema,
    'Hand-crafted masks (Sobel, Robinson, typed kernels) and a learned layer applied to the same image.',
  ),
};
