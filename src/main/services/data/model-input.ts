import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { DecodeOptions } from './image-decoder';
import { decodeImageFile } from './image-decoder';
import { normalizePixelsInto } from './normalization';

/**
 * One image file as the network's input (H·W·C floats, HWC, network channel order), exactly as the
 * batch loader prepares validation and test images: for prediction, feature maps and saliency.
 * A bad file throws an ImageProblem (a StudioError naming the file).
 */
export async function readModelInput(path: string, preprocessing: Preprocessing, options: DecodeOptions = {}): Promise<Float32Array> {
  const image = await decodeImageFile(path, preprocessing, options);
  const x = new Float32Array(preprocessing.height * preprocessing.width * preprocessing.channels);
  normalizePixelsInto(image, preprocessing, x);
  return x;
}
