import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchLoader } from '../../../../src/main/services/data/batch-loader';
import { scanImageFolder } from '../../../../src/main/services/data/image-folder';
import { ImageProblem } from '../../../../src/main/services/data/image-problem';
import { readModelInput } from '../../../../src/main/services/data/model-input';
import { resolvePreprocessing } from '../../../../src/shared/project/preprocessing';
import { makeClassFolders, makeTempDir, put } from './dataset-fixtures';

let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir();
  await makeClassFolders(temp.dir, { a: 2, b: 2 }, 12);
});
afterAll(async () => temp.remove());

describe('readModelInput', () => {
  it('prepares_a_file_exactly_as_the_loader_does_for_evaluation', async () => {
    const p = resolvePreprocessing('imagenet-torch', { height: 7, width: 9, channels: 3 }, 'letterbox');
    const index = await scanImageFolder(temp.dir, { validationSplit: 0 });
    const loader = await createBatchLoader({ samples: index.train, preprocessing: p, batchSize: 4, shuffle: false, workers: 0 });
    try {
      const batch = (await loader.batches(0).next()).value;
      expect(batch?.size).toBe(4);
      const size = 7 * 9 * 3;
      for (const [k, file] of batch!.files.entries()) expect(await readModelInput(file, p)).toEqual(batch!.x.subarray(k * size, (k + 1) * size));
    } finally {
      await loader.dispose();
    }
    await put(join(temp.dir, 'x.png'), 'nope');
    await expect(readModelInput(join(temp.dir, 'x.png'), p)).rejects.toBeInstanceOf(ImageProblem);
  });
});
