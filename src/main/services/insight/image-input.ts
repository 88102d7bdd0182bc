import * as tf from '@tensorflow/tfjs';
import type { Grid } from '../../../shared/insight/grids';
import { filledGrid } from '../../../shared/insight/grids';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { DecodedImage } from '../data';
import { denormalize } from '../data';
import { decodeForModel } from '../training/training-data';

/** One image file as the network sees it: normalised HWC values, a batch of one, and the pixels back. */
export interface ImageInput {
  file: string;
  /** Normalised, HWC, the network's channel order. */
  values: Float32Array;
  /** `[1, H, W, C]`; dispose when done. */
  tensor: tf.Tensor4D;
  /** What the network sees, as 8-bit pixels (for overlays). */
  pixels: DecodedImage;
}

/** Decodes and normalises an image file with the given preprocessing (a bad file is the StudioError that says why). */
export async function readImageInput(file: string, preprocessing: Preprocessing): Promise<ImageInput> {
  const values = await decodeForModel(file, preprocessing);
  const tensor = tf.tensor4d(values, [1, preprocessing.height, preprocessing.width, preprocessing.channels]);
  return { file, values, tensor, pixels: denormalize(values, preprocessing) };
}

/** The mean of the input's channels, `[row][col]` (a preset on C channels applies mask / C to each: the same as the mask on this). */
export function greyInput(input: ImageInput, preprocessing: Preprocessing): Grid {
  const { height, width, channels } = preprocessing;
  const grey = filledGrid(height, width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let sum = 0;
      for (let k = 0; k < channels; k++) sum += input.values[(r * width + c) * channels + k]!;
      grey[r]![c] = sum / channels;
    }
  }
  return grey;
}
