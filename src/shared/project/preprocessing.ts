import { z } from 'zod';

/** How an image is fitted to the Input's height and width. */
export const RESIZE_MODES = ['stretch', 'center-crop', 'letterbox'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

/**
 * Where the per-channel mean and standard deviation come from: `pixel/255` (the default: no mean, no
 * std), `dataset-mean-std` (computed on the training split when a run starts), or the ImageNet
 * conventions of the networks people import.
 */
export const NORMALIZATION_PRESETS = ['pixel/255', 'dataset-mean-std', 'imagenet-torch', 'imagenet-keras-caffe'] as const;
export type NormalizationPreset = (typeof NORMALIZATION_PRESETS)[number];

/**
 * The exact preprocessing of a run, stored with it so prediction, visualisation and every export use
 * the same: each channel value becomes x = (pixel·scale − mean[c]) / std[c], channels in `channelOrder`.
 */
export interface Preprocessing {
  height: number;
  width: number;
  channels: 1 | 3;
  resize: ResizeMode;
  scale: number;
  mean: number[];
  std: number[];
  /** `bgr` only for Keras/Caffe-style networks; grey images are `rgb` by convention. */
  channelOrder: 'rgb' | 'bgr';
}

export const preprocessingSchema: z.ZodType<Preprocessing> = z
  .strictObject({
    height: z.number().int().min(1).max(4096),
    width: z.number().int().min(1).max(4096),
    channels: z.union([z.literal(1), z.literal(3)]),
    resize: z.enum(RESIZE_MODES),
    scale: z.number().positive().finite(),
    mean: z.array(z.number().finite()).min(1).max(3),
    std: z.array(z.number().positive().finite()).min(1).max(3),
    channelOrder: z.enum(['rgb', 'bgr']),
  })
  .refine((p) => p.mean.length === p.channels && p.std.length === p.channels, 'mean and std need one value per channel');

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];
const CAFFE_BGR_MEAN = [103.939, 116.779, 123.68];

/**
 * The preprocessing a preset means for an input size. `dataset-mean-std` needs the statistics of the
 * training split (pixel/255 units), which the data pipeline computes.
 */
export function resolvePreprocessing(
  preset: NormalizationPreset,
  input: { height: number; width: number; channels: number },
  resize: ResizeMode,
  datasetStats?: { mean: number[]; std: number[] },
): Preprocessing {
  const channels = input.channels === 3 ? 3 : 1;
  const pick = (rgb: number[]) => (channels === 3 ? rgb : [rgb.reduce((a, b) => a + b, 0) / rgb.length]);
  const base = { height: input.height, width: input.width, channels, resize } as const;
  switch (preset) {
    case 'pixel/255':
      return { ...base, scale: 1 / 255, mean: Array(channels).fill(0), std: Array(channels).fill(1), channelOrder: 'rgb' };
    case 'dataset-mean-std': {
      if (!datasetStats) throw new Error('dataset-mean-std needs the training split statistics');
      return { ...base, scale: 1 / 255, mean: datasetStats.mean, std: datasetStats.std.map((s) => Math.max(s, 1e-6)), channelOrder: 'rgb' };
    }
    case 'imagenet-torch':
      return { ...base, scale: 1 / 255, mean: pick(IMAGENET_MEAN), std: pick(IMAGENET_STD), channelOrder: 'rgb' };
    case 'imagenet-keras-caffe':
      return { ...base, scale: 1, mean: pick(CAFFE_BGR_MEAN), std: Array(channels).fill(1), channelOrder: channels === 3 ? 'bgr' : 'rgb' };
  }
}
