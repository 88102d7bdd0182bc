import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../src/main/services/files/atomic-write';
import type { BatchLoader, DatasetSample } from '../src/main/services/data';
import { createBatchLoader } from '../src/main/services/data';
import type { ImageBatch } from '../src/main/services/training/train-step';
import type { InputSize } from '../src/shared/templates';

/**
 * Batches for the benchmark. `loader`: the studio's own dataset pipeline (batch-loader.ts: decode
 * workers, cache, prefetch) over a folder of generated PNG images, so the time spent waiting for data
 * is the real pipeline's. `synthetic`: one batch of random tensors made once, for comparison.
 */

export interface BatchSource {
  kind: 'loader' | 'synthetic';
  /** For the report: what the batches are and where they come from. */
  description: string;
  next(): Promise<ImageBatch>;
  dispose(): Promise<void>;
}

const IMAGES_PER_CLASS = 64;

/** Deterministic values in [0, 1) (a linear congruential generator). */
function noise(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A folder of `classes` × 64 PNG images of `input`'s size (made once per size in the temporary
 * folder): a bright band whose place depends on the class, over noise.
 */
export async function generatedImageFolder(input: InputSize, classes: number): Promise<{ root: string; samples: DatasetSample[] }> {
  const root = join(tmpdir(), 'cnn-studio-bench', `${input.height}x${input.width}x${input.channels}-${classes}`);
  const samples: DatasetSample[] = [];
  const complete = join(root, 'complete');
  const make = !existsSync(complete);
  const random = noise(7);
  for (let label = 0; label < classes; label++) {
    const folder = join(root, `class${label}`);
    if (make) await mkdir(folder, { recursive: true });
    for (let i = 0; i < IMAGES_PER_CLASS; i++) {
      const file = `class${label}/${String(i).padStart(3, '0')}.png`;
      const path = join(root, file);
      samples.push({ path, file, label, split: 'train' });
      if (!make) continue;
      const { height, width, channels } = input;
      const pixels = Buffer.alloc(height * width * channels);
      const band = Math.floor(((label + 0.5) / classes) * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          for (let c = 0; c < channels; c++) {
            const bright = Math.abs(y - band) <= 1 ? 160 : 0;
            pixels[(y * width + x) * channels + c] = Math.min(255, bright + Math.floor(random() * 96));
          }
        }
      }
      const png = await sharp(pixels, { raw: { width, height, channels: channels as 1 | 3 } }).png().toBuffer();
      await writeFileAtomic(path, png);
    }
  }
  if (make) await writeFileAtomic(complete, 'ok\n');
  return { root, samples };
}

/** Endless batches through the studio's batch loader (epoch after epoch, shuffled). */
export async function loaderBatches(input: InputSize, classes: number, batchSize: number): Promise<BatchSource> {
  const { root, samples } = await generatedImageFolder(input, classes);
  const channels = input.channels === 3 ? 3 : 1;
  const loader: BatchLoader = await createBatchLoader({
    samples,
    batchSize,
    seed: 1,
    shuffle: true,
    prefetchNextEpoch: true,
    preprocessing: { height: input.height, width: input.width, channels, resize: 'stretch', scale: 1 / 255, mean: Array(channels).fill(0), std: Array(channels).fill(1), channelOrder: 'rgb' },
  });
  async function* forever(): AsyncGenerator<ImageBatch> {
    for (let epoch = 1; ; epoch++) {
      for await (const batch of loader.batches(epoch)) yield { x: batch.x, y: batch.y, size: batch.y.length, files: batch.files };
    }
  }
  const batches = forever();
  const mode = loader.mode === 'workers' ? `${loader.stats().workers} decode worker${loader.stats().workers === 1 ? '' : 's'}` : `in-thread decoding (${loader.stats().fallbackReason ?? 'asked'})`;
  return {
    kind: 'loader',
    description: `the studio's batch loader over ${samples.length} generated PNG images in ${root} (${mode}, prefetch 2, decoded-image cache)`,
    next: async () => (await batches.next()).value as ImageBatch,
    dispose: async () => {
      await batches.return(undefined);
      await loader.dispose();
    },
  };
}

/** One batch of random tensors, given again at every step. */
export function syntheticBatches(input: InputSize, classes: number, batchSize: number): BatchSource {
  const random = noise(3);
  const x = new Float32Array(batchSize * input.height * input.width * input.channels).map(() => random());
  const y = Int32Array.from({ length: batchSize }, (_, i) => i % classes);
  return {
    kind: 'synthetic',
    description: 'one batch of random tensors made once (no dataset pipeline)',
    next: async () => ({ x, y, size: batchSize, files: [] }),
    dispose: async () => undefined,
  };
}
