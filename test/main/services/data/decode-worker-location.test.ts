import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateDecodeWorker } from '../../../../src/main/services/data/decode-worker-location';
import { makeTempDir, put } from './dataset-fixtures';

let temp: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.remove();
});

describe('locateDecodeWorker', () => {
  it('finds_the_typescript_source_beside_this_module', () => {
    const found = locateDecodeWorker();
    expect(found.location?.from).toBe('sources');
    expect(found.location?.url.pathname).toMatch(/src\/main\/services\/data\/decode-worker\.ts$/);
    expect(found.location?.execArgv[0]).toBe('--import');
  });

  it('finds_the_bundled_entry_beside_an_entry_or_one_folder_up_from_a_chunk', async () => {
    await put(join(temp.dir, 'main', 'decode-worker.js'), '');
    await mkdir(join(temp.dir, 'main', 'chunks'));
    const fromEntry = locateDecodeWorker(pathToFileURL(join(temp.dir, 'main', 'engine.js')).href);
    const fromChunk = locateDecodeWorker(pathToFileURL(join(temp.dir, 'main', 'chunks', 'batch-loader-1a2b.js')).href);
    for (const found of [fromEntry, fromChunk]) {
      expect(found.location).toEqual({ url: pathToFileURL(join(temp.dir, 'main', 'decode-worker.js')), execArgv: [], from: 'bundle' });
    }
  });

  it('says_why_when_there_is_no_worker', () => {
    const found = locateDecodeWorker(pathToFileURL(join(temp.dir, 'engine.js')).href);
    expect(found.location).toBeNull();
    expect('reason' in found && found.reason).toBe(`the decode worker (decode-worker.js) was not found beside ${temp.dir}/`);
  });
});
