import { dirname, isAbsolute, resolve } from 'node:path';
import { describeError } from '../../../shared/errors';
import { resolvePreprocessing } from '../../../shared/project/preprocessing';
import { renderAugmentationPreview, thumbnail } from '../data';
import type { DatasetScans } from './dataset-scans';
import type { ApiHandlers } from './handler-table';

type DatasetMethod = 'dataset.scan' | 'dataset.cancelScan' | 'dataset.thumbnails' | 'dataset.augmentationPreview';

export interface DatasetHandlerDeps {
  scans: DatasetScans;
  /** Relative paths of an unsaved project resolve here. */
  cwd: string;
}

/** The preview sheet's tiles are enlarged to about this many pixels, so 28x28 inputs stay readable. */
const PREVIEW_TILE_PIXELS = 96;
const THUMBNAIL_CONCURRENCY = 4;

/** A dataset path as the project holds it (relative to the project file's folder) made absolute. */
export function resolveProjectPath(path: string, projectPath: string | null, cwd: string): string {
  if (isAbsolute(path)) return path;
  return resolve(projectPath ? dirname(resolve(cwd, projectPath)) : cwd, path);
}

/** The dataset panel's handlers: scans with progress, thumbnails, the augmentation preview. */
export function createDatasetHandlers(deps: DatasetHandlerDeps): Pick<ApiHandlers, DatasetMethod> {
  const { scans, cwd } = deps;
  return {
    'dataset.scan'(request, context) {
      return scans.scan(
        {
          scanId: request.scanId,
          root: resolveProjectPath(request.path, request.projectPath, cwd),
          testRoot: request.testPath ? resolveProjectPath(request.testPath, request.projectPath, cwd) : null,
          validationSplit: request.validationSplit,
          seed: request.seed,
          samplesPerClass: request.samplesPerClass,
        },
        // Progress goes to the window that asked, not to every window.
        (progress) => context.events.emit('dataset.scanProgress', progress),
      );
    },

    'dataset.cancelScan'({ scanId }) {
      scans.cancel(scanId);
      return {};
    },

    async 'dataset.thumbnails'({ files, size }) {
      const images = await mapLimited(files, THUMBNAIL_CONCURRENCY, async (file) => {
        try {
          const png = await thumbnail(resolve(cwd, file), size);
          return { file, png: Buffer.from(png).toString('base64') };
        } catch (error) {
          return { file, png: null, error: describeError(error) };
        }
      });
      return { images };
    },

    async 'dataset.augmentationPreview'({ file, key, input, resize, augmentation, count, seed }) {
      // What the network is shown before normalisation: the preset does not change the picture.
      const preprocessing = resolvePreprocessing('pixel/255', input, resize);
      const scale = Math.max(1, Math.min(8, Math.round(PREVIEW_TILE_PIXELS / Math.max(input.height, input.width))));
      const columns = Math.min(count, 6);
      const png = await renderAugmentationPreview({ path: resolve(cwd, file), ...(key ? { key } : {}), preprocessing, augmentation, count, seed, columns, scale });
      return { png: Buffer.from(png).toString('base64'), columns, count, scale };
    },
  };
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
