import type { BaselineFeatures } from '../../../shared/hog/feature-spec';
import { computeHog } from '../../../shared/hog/hog';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { DecodedImage } from '../data';
import { denormalize, normalizePixelsInto } from '../data';

/**
 * One decoded image's features into `out` at `offset`: its HOG vector (the image must be grey, as
 * the dataset pipeline converts colour), or its pixels normalised exactly as a network's input.
 */
export function imageFeaturesInto(image: DecodedImage, features: BaselineFeatures, preprocessing: Preprocessing, out: Float32Array, offset: number): void {
  if (features.kind === 'pixels') {
    normalizePixelsInto(image, preprocessing, out, offset);
    return;
  }
  if (image.channels !== 1) throw new Error('HOG reads grey images: decode with 1 channel');
  out.set(computeHog(image, features.hog).features, offset);
}

/**
 * The features of a batch of model inputs (NHWC, normalised by `preprocessing`, as evaluate and
 * predict feed a network). HOG works on the 8-bit grey image, recovered exactly from the input by
 * undoing the normalisation and rounding.
 */
export function batchFeatures(x: Float32Array, count: number, features: BaselineFeatures, preprocessing: Preprocessing, length: number): Float32Array {
  if (features.kind === 'pixels') return x;
  const size = preprocessing.height * preprocessing.width * preprocessing.channels;
  const out = new Float32Array(count * length);
  for (let i = 0; i < count; i++) {
    const image = denormalize(x.subarray(i * size, (i + 1) * size), preprocessing);
    imageFeaturesInto(image, features, preprocessing, out, i * length);
  }
  return out;
}
