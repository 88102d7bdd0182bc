import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BLOCK_NORMS } from '../../../src/shared/hog/hog-settings';

/** The scikit-image references written once by test/fixtures/hog/make_hog_fixtures.py (skimage 0.19.3). */
export const HOG_FIXTURES = join(__dirname, '../../fixtures/hog');

export const HOG_FIXTURE_NAMES = ['boot', 'shirt', 'sneaker', 'camera-crop', 'disk', 'ramp', 'noise', 'checker', 'constant', 'colour'] as const;

const referenceSchema = z.object({
  versions: z.object({ python: z.string(), numpy: z.string(), skimage: z.string(), pillow: z.string() }),
  name: z.string(),
  source: z.string(),
  height: z.number().int(),
  width: z.number().int(),
  pixels: z.array(z.number().int().min(0).max(255)),
  cases: z.array(
    z.object({
      settings: z.object({ cellSize: z.number().int(), blockSize: z.number().int(), bins: z.number().int(), norm: z.enum(BLOCK_NORMS) }),
      cells: z.tuple([z.number().int(), z.number().int()]),
      blocks: z.tuple([z.number().int(), z.number().int()]),
      features: z.array(z.number()),
      histograms: z.array(z.number()),
    }),
  ),
});
export type HogReference = z.infer<typeof referenceSchema>;

export function readHogReference(name: (typeof HOG_FIXTURE_NAMES)[number]): HogReference {
  return referenceSchema.parse(JSON.parse(readFileSync(join(HOG_FIXTURES, `${name}.json`), 'utf8')));
}

export function referenceImage(ref: HogReference) {
  return { data: Uint8Array.from(ref.pixels), height: ref.height, width: ref.width };
}

/** The largest absolute difference between two arrays of the same length. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
