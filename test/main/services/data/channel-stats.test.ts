import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeChannelStats } from '../../../../src/main/services/data/channel-stats';
import type { DatasetSample } from '../../../../src/main/services/data/dataset-index';
import { makeTempDir, put, rawPng } from './dataset-fixtures';

let temp: { dir: string; remove: () => Promise<void> };
let samples: DatasetSample[];
beforeAll(async () => {
  temp = await makeTempDir();
  // Two 2 x 1 images: R = 0 and 255 / 51 and 102; G constant 255; B 10, 20, 30, 40.
  const images = [new Uint8Array([0, 255, 10, 255, 255, 20]), new Uint8Array([51, 255, 30, 102, 255, 40])];
  samples = [];
  for (const [i, data] of images.entries()) {
    const path = join(temp.dir, `${i}.png`);
    await put(path, await rawPng(data, 2, 1, 3));
    samples.push({ path, file: `${i}.png`, label: 0, split: 'train' });
  }
  await put(join(temp.dir, 'bad.png'), 'broken');
  samples.push({ path: join(temp.dir, 'bad.png'), file: 'bad.png', label: 0, split: 'train' });
});
afterAll(async () => temp.remove());

const populationStats = (values: number[]) => {
  const unit = values.map((v) => v / 255);
  const mean = unit.reduce((a, b) => a + b, 0) / unit.length;
  return { mean, std: Math.sqrt(unit.reduce((a, v) => a + (v - mean) ** 2, 0) / unit.length) };
};

describe('computeChannelStats', () => {
  it('gives_per_channel_mean_and_population_std_in_unit_scale', async () => {
    const stats = await computeChannelStats(samples, { height: 1, width: 2, channels: 3, resize: 'stretch' });
    const expected = [populationStats([0, 255, 51, 102]), populationStats([255, 255, 255, 255]), populationStats([10, 20, 30, 40])];
    expected.forEach((e, c) => {
      expect(stats.mean[c]).toBeCloseTo(e.mean, 10);
      expect(stats.std[c]).toBeCloseTo(e.std, 10);
    });
    expect(stats.images).toBe(2);
    expect(stats.failed).toEqual([{ path: join(temp.dir, 'bad.png'), reason: 'it contains text, not an image' }]);
    const bgr = await computeChannelStats(samples, { height: 1, width: 2, channels: 3, resize: 'stretch', channelOrder: 'bgr' });
    expect(bgr.mean).toEqual([...stats.mean].reverse());
  });

  it('refuses_when_nothing_decodes', async () => {
    await expect(computeChannelStats(samples.slice(2), { height: 1, width: 2, channels: 1, resize: 'stretch' })).rejects.toMatchObject({ code: 'dataset-invalid' });
  });
});
