import { z } from 'zod';
import { StudioError } from '../errors';
import { hogGrid, hogSettingsSchema } from './hog-settings';

/**
 * What a hand-crafted baseline classifies: the HOG vector of the grey image, or the pixels themselves
 * (the model input as the network would see it).
 */
export const BASELINE_FEATURE_KINDS = ['hog', 'pixels'] as const;
export type BaselineFeatureKind = (typeof BASELINE_FEATURE_KINDS)[number];

export const baselineFeaturesSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hog'), hog: hogSettingsSchema }),
  z.strictObject({ kind: z.literal('pixels') }),
]);
export type BaselineFeatures = z.output<typeof baselineFeaturesSchema>;

/**
 * A baseline's training settings where they differ from a network's defaults. A softmax classifier
 * on standardised features fits a small training set within a few epochs and then overfits; a light
 * L2 penalty keeps its validation loss flat. Chosen on the validation split of the sample dataset
 * (HOG with 4-pixel cells).
 */
export const BASELINE_TRAINING_DEFAULTS = { epochs: 20, batchSize: 32, weightDecay: 0.01, optimizer: { type: 'adam', learningRate: 0.001 } } as const;

/** The largest height or width of a layer input (the Input layer's limit). */
const MAX_SIDE = 4096;

/**
 * How the feature vector enters the classifier network, as an Input of [rows, columns, channels]
 * whose row-major flattening is the vector: for HOG one row per block row ([block rows, block columns ·
 * values per block, 1]), for pixels the image itself.
 */
export function featureShape(features: BaselineFeatures, image: { height: number; width: number; channels: 1 | 3 }): [number, number, number] {
  if (features.kind === 'pixels') return [image.height, image.width, image.channels];
  const grid = hogGrid(image.height, image.width, features.hog);
  const columns = grid.blockCols * grid.blockLength;
  if (columns > MAX_SIDE) {
    throw new StudioError('invalid-argument', `HOG of a ${image.width}-pixel-wide image gives ${columns.toLocaleString('en-US')} values per block row, more than the classifier's input takes (${MAX_SIDE}).`, {
      hint: 'Use larger cells, fewer bins or a smaller image size.',
      where: 'cellSize',
    });
  }
  return [grid.blockRows, columns, 1];
}

/** "HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys)" or "pixels". */
export function describeFeatures(features: BaselineFeatures): string {
  if (features.kind === 'pixels') return 'pixels';
  const h = features.hog;
  return `HOG (${h.cellSize}-pixel cells, ${h.blockSize}x${h.blockSize} blocks, ${h.bins} bins, ${h.norm})`;
}
