import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BaselineFeatures } from '../../../shared/hog/feature-spec';
import { baselineFeaturesSchema } from '../../../shared/hog/feature-spec';
import type { ImageGeometry } from '../data';
import { writeFileAtomic } from '../files/atomic-write';

/**
 * A baseline run's `features/` folder: the raw (unstandardised) feature vector of every image it
 * trained and validated on, so that another baseline with the same features and image size reuses
 * them instead of decoding again. `features.bin` holds float32 rows (little-endian) in the order of
 * the manifest's entries; `features.json` (written last) says what they are.
 */
export const FEATURE_CACHE_FILES = { folder: 'features', manifest: join('features', 'features.json'), values: join('features', 'features.bin') } as const;

/** Identifies an image file's content cheaply: a file whose size or time changed is decoded again. */
export interface CacheEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

const geometrySchema = z.strictObject({
  height: z.number().int().min(1),
  width: z.number().int().min(1),
  channels: z.union([z.literal(1), z.literal(3)]),
  resize: z.enum(['stretch', 'center-crop', 'letterbox']),
});

const manifestSchema = z.strictObject({
  format: z.literal('cnn-studio/features'),
  version: z.literal(1),
  features: baselineFeaturesSchema,
  image: geometrySchema,
  length: z.number().int().min(1),
  entries: z.array(z.strictObject({ path: z.string().max(8192), size: z.number().int().min(0), mtimeMs: z.number() })),
});

/** Cached feature rows by file, from the `features/` folders of earlier baseline runs. */
export class FeatureCache {
  private readonly rows = new Map<string, { entry: CacheEntry; values: Float32Array }>();

  /** Rows cached, for the run's log. */
  get size(): number {
    return this.rows.size;
  }

  /** The cached row for a file, if the file is unchanged since. */
  lookup(entry: CacheEntry): Float32Array | null {
    const hit = this.rows.get(entry.path);
    return hit && hit.entry.size === entry.size && hit.entry.mtimeMs === entry.mtimeMs ? hit.values : null;
  }

  /**
   * Reads the caches of these run folders that hold the same features of the same image geometry;
   * a folder without a cache, or with another kind, is passed over (a cache is only ever a shortcut).
   */
  static async open(runDirs: readonly string[], features: BaselineFeatures, image: ImageGeometry, length: number): Promise<FeatureCache> {
    const cache = new FeatureCache();
    for (const dir of runDirs) {
      const found = await readCacheFolder(dir);
      if (!found || found.manifest.length !== length) continue;
      if (JSON.stringify(found.manifest.features) !== JSON.stringify(features) || JSON.stringify(found.manifest.image) !== JSON.stringify(pickGeometry(image))) continue;
      found.manifest.entries.forEach((entry, i) => cache.rows.set(entry.path, { entry, values: found.values.subarray(i * length, (i + 1) * length) }));
    }
    return cache;
  }
}

function pickGeometry(image: ImageGeometry): z.infer<typeof geometrySchema> {
  return { height: image.height, width: image.width, channels: image.channels, resize: image.resize };
}

async function readCacheFolder(runDir: string): Promise<{ manifest: z.infer<typeof manifestSchema>; values: Float32Array } | null> {
  try {
    const manifest = manifestSchema.safeParse(JSON.parse(await readFile(join(runDir, FEATURE_CACHE_FILES.manifest), 'utf8')));
    if (!manifest.success) return null;
    const bytes = await readFile(join(runDir, FEATURE_CACHE_FILES.values));
    if (bytes.byteLength !== manifest.data.entries.length * manifest.data.length * 4) return null;
    const values = new Float32Array(bytes.byteLength / 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
    return { manifest: manifest.data, values };
  } catch {
    return null;
  }
}

/** Writes a run's feature cache (rows given in parts, in entry order): the values first, the manifest last (a manifest always has its values). */
export async function writeFeatureCache(
  runDir: string,
  cache: { features: BaselineFeatures; image: ImageGeometry; length: number; entries: CacheEntry[]; values: readonly Float32Array[] },
): Promise<void> {
  const bytes = new Uint8Array(cache.entries.length * cache.length * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const part of cache.values) {
    for (let i = 0; i < part.length; i++, at += 4) view.setFloat32(at, part[i]!, true);
  }
  if (at !== bytes.length) throw new Error(`the feature cache has ${at / 4} values for ${cache.entries.length} rows of ${cache.length}`);
  await writeFileAtomic(join(runDir, FEATURE_CACHE_FILES.values), bytes, { what: 'the feature cache' });
  const manifest: z.infer<typeof manifestSchema> = {
    format: 'cnn-studio/features',
    version: 1,
    features: cache.features,
    image: pickGeometry(cache.image),
    length: cache.length,
    entries: cache.entries,
  };
  await writeFileAtomic(join(runDir, FEATURE_CACHE_FILES.manifest), `${JSON.stringify(manifest)}\n`, { what: 'the feature cache manifest' });
}
