import { StudioError } from '../../../shared/errors';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { DatasetSample } from './dataset-index';
import type { FileReader, ImageGeometry } from './image-decoder';
import { decodeImageFile, DEFAULT_MAX_PIXELS } from './image-decoder';
import { isImageProblem } from './image-problem';

/**
 * Per-channel mean and standard deviation of the training split, in pixel/255 units, for the
 * `dataset-mean-std` normalisation. Computed on the images as the network receives them (decoded,
 * resized and converted to the Input's channels, no augmentation), over every pixel of every image;
 * the standard deviation is the population one. Values come in the network's channel order.
 */

export interface ChannelStats {
  mean: number[];
  std: number[];
  /** Images that went into the statistics. */
  images: number;
  /** Files that failed to decode (left out). */
  failed: { path: string; reason: string }[];
}

export interface ChannelStatsOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Images decoded at the same time. Default 4. */
  concurrency?: number;
  maxPixels?: number;
  readFile?: FileReader;
}

/** Decodes every sample once and accumulates the statistics. */
export async function computeChannelStats(
  samples: readonly DatasetSample[],
  preprocessing: ImageGeometry & Partial<Pick<Preprocessing, 'channelOrder'>>,
  options: ChannelStatsOptions = {},
): Promise<ChannelStats> {
  const channels = preprocessing.channels;
  const sum = new Float64Array(channels);
  const sumOfSquares = new Float64Array(channels);
  let pixels = 0;
  let images = 0;
  let done = 0;
  const failed: ChannelStats['failed'] = [];
  let next = 0;
  const worker = async () => {
    while (next < samples.length) {
      if (options.signal?.aborted) throw new StudioError('cancelled', 'Computing the dataset\'s mean and standard deviation was cancelled.');
      const sample = samples[next++]!;
      try {
        const image = await decodeImageFile(sample.path, preprocessing, { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS, readFile: options.readFile });
        const count = image.data.length / channels;
        for (let c = 0; c < channels; c++) {
          // Integer sums per image are exact; only the totals are floating point.
          let s = 0;
          let s2 = 0;
          for (let i = 0; i < count; i++) {
            const v = image.data[i * channels + c]!;
            s += v;
            s2 += v * v;
          }
          sum[c]! += s / 255;
          sumOfSquares[c]! += s2 / (255 * 255);
        }
        pixels += count;
        images++;
      } catch (error) {
        if (!isImageProblem(error)) throw error;
        failed.push({ path: sample.path, reason: error.reason });
      }
      options.onProgress?.(++done, samples.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency ?? 4), Math.max(1, samples.length)) }, worker));
  if (images === 0) {
    throw new StudioError('dataset-invalid', 'The mean and standard deviation of the training images cannot be computed: no training image could be decoded.', {
      hint: 'Check the dataset report for the files that were skipped, or choose the pixel/255 normalisation.',
    });
  }
  const mean = Array.from(sum, (s) => s / pixels);
  const std = Array.from(sumOfSquares, (s2, c) => Math.sqrt(Math.max(0, s2 / pixels - mean[c]! ** 2)));
  const bgr = channels === 3 && preprocessing.channelOrder === 'bgr';
  return { mean: bgr ? mean.reverse() : mean, std: bgr ? std.reverse() : std, images, failed };
}
