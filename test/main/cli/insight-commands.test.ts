import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../support/cli-process';
import { SAMPLE_DATASET, tempDir } from '../../support/training-fixtures';
import { cli } from './cli-runner';

// The built CLI end to end (`npm test` builds first), on a LeNet-5 run of the sample project.
const SAMPLE_PROJECT = join(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');
let run: string;
let out: string;
let image: string;

beforeAll(async () => {
  out = await tempDir('insight-cli');
  run = join(out, 'run');
  const r = await runCliProcess(['train', SAMPLE_PROJECT, '--epochs', '1', '--batch', '64', '--backend', 'wasm', '--seed', '3', '--out', run, '--json']);
  expect(r.code).toBe(0);
  const dir = join(SAMPLE_DATASET, 'test', 'trouser');
  image = join(dir, (await readdir(dir)).sort()[0]!);
}, 180_000);

async function png(path: string): Promise<{ width: number; height: number; format: string }> {
  const m = await sharp(path).metadata();
  return { width: m.width!, height: m.height!, format: m.format! };
}

describe('cnn-studio filters', () => {
  it('json_of_a_run_with_its_weights_before_training', async () => {
    const r = await runCliProcess(['filters', run, '--layer', 'c1', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(
      ['bias', 'channelOrder', 'channels', 'filters', 'initial', 'kernelSize', 'kind', 'layer', 'origin', 'png', 'source', 'values', 'weightsFrom'].sort(),
    );
    expect(report).toMatchObject({ layer: 'c1', kind: 'Conv2D', filters: 6, channels: 1, kernelSize: 5, source: 'run', weightsFrom: 'weights', png: null });
    // [filter][channel][row][col]
    expect([report.values.length, report.values[0].length, report.values[0][0].length, report.values[0][0][0].length]).toEqual([6, 1, 5, 5]);
    expect(report.initial.weightsFrom).toBe('initial');
    expect(report.initial.values).not.toEqual(report.values);
  });

  it('png_of_a_project_and_before_vs_after', async () => {
    const project = join(out, 'project-c3.png');
    const r = await runCliProcess(['filters', SAMPLE_PROJECT, '--layer', 'c3', '--png', project, '--backend', 'wasm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote ${project}: 16 filter(s) of 5x5x6 of layer c3`);
    // 6 input channels, averaged by default: 16 tiles of 5x5 (enlarged 10 times) in a 4x4 grid, 3-pixel gaps, a legend.
    expect(await png(project)).toEqual({ width: 4 * 50 + 3 * 3, height: 4 * 50 + 3 * 3 + 13, format: 'png' });
    const channels = join(out, 'project-c3-channels.png');
    expect((await runCliProcess(['filters', SAMPLE_PROJECT, '--layer', 'c3', '--png', channels, '--mode', 'channels', '--backend', 'wasm'])).code).toBe(0);
    // One row per filter, one tile per input channel.
    expect(await png(channels)).toEqual({ width: 6 * 50 + 5 * 3, height: 16 * 50 + 15 * 3 + 13, format: 'png' });
    const compare = join(out, 'compare.png');
    const c = await runCliProcess(['filters', run, '--layer', 'c1', '--png', compare, '--compare', '--scale', 'per-filter', '--backend', 'wasm']);
    expect(c.code).toBe(0);
    // Each side: 6 tiles in rows of 3, no legend on a per-filter scale.
    expect(await png(compare)).toEqual({ width: 2 * (3 * 50 + 2 * 3) + 12, height: 2 * 50 + 3, format: 'png' });
  });

  it('a_layer_that_is_not_a_conv_lists_the_convolutions', async () => {
    const r = await runCliProcess(['filters', run, '--layer', 's2', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: Layer s2 is a AvgPool2D, not a Conv2D, so it has no filters. Its convolution layers: c1, c3, c5. Give one of those ids.\n');
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'error', code: 'invalid-argument', where: '--layer' });
  });

  it('needs_a_layer_and_an_output', async () => {
    expect((await cli(['filters', run, '--json'])).stderr).toBe('Error: cnn-studio filters needs --layer ID, the layer to show. Run "cnn-studio inspect" on the project to see the layer ids.\n');
    expect((await cli(['filters', run, '--layer', 'c1'])).stderr).toContain('cnn-studio filters needs --png OUT (a picture) or --json (the numbers).');
    const missing = await cli(['filters', join(out, 'nope'), '--layer', 'c1', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(out, 'nope')} does not exist.`);
    expect((await cli(['filters', SAMPLE_PROJECT, '--layer', 'c1', '--json', '--weights', 'best'])).stderr).toContain("--weights chooses among a run's weights, but");
  });
});

describe('cnn-studio activations', () => {
  it('json_is_layer_shape_and_maps_indexed_channel_row_col', async () => {
    const r = await runCliProcess(['activations', run, '--image', image, '--layer', 'c1', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(['kind', 'layer', 'maps', 'shape', 'stats']);
    expect(report.layer).toBe('c1');
    expect(report.shape).toEqual([6, 28, 28]);
    expect([report.maps.length, report.maps[0].length, report.maps[0][0].length]).toEqual([6, 28, 28]);
    expect(Object.keys(report.stats).sort()).toEqual(['max', 'mean', 'min', 'zeroFraction']);
    // A vector layer: N maps of 1x1.
    const f6 = JSON.parse((await runCliProcess(['activations', SAMPLE_PROJECT, '--image', image, '--layer', 'f6', '--json', '--backend', 'wasm'])).stdout);
    expect(f6.shape).toEqual([84, 1, 1]);
  });

  it('png_grid_of_a_layer', async () => {
    const path = join(out, 'c3.png');
    const r = await runCliProcess(['activations', run, '--image', image, '--layer', 'c3', '--png', path, '--colours', 'grey', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('layer c3 (Conv2D), 16 x 10 x 10 (C x H x W)');
    // 16 maps of 10x10 in a 4x4 grid, enlarged 11 times, 2-pixel gaps, a colour bar.
    expect(await png(path)).toEqual({ width: 4 * 110 + 3 * 2, height: 4 * 110 + 3 * 2 + 12, format: 'png' });
  });

  it('an_unknown_layer_lists_the_ids', async () => {
    const r = await runCliProcess(['activations', run, '--image', image, '--layer', 'conv1', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The network has no layer "conv1". Its layers: input, c1, s2, c3, s4, c5, flatten, f6, output.');
  });
});

describe('cnn-studio saliency', () => {
  it('grad_cam_overlay_png', async () => {
    const path = join(out, 'cam.png');
    const r = await runCliProcess(['saliency', run, '--image', image, '--png', path, '--backend', 'wasm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Grad-CAM on c3 for "[a-z-]+"/);
    // 28x28 enlarged 8 times.
    expect(await png(path)).toEqual({ width: 224, height: 224, format: 'png' });
  });

  it('gradient_for_a_named_class_as_json', async () => {
    const r = await runCliProcess(['saliency', run, '--image', image, '--class', 'bag', '--method', 'gradient', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ method: 'gradient', layer: null, className: 'bag', classIndex: 1, layerMap: null, channelWeights: null, png: null });
    expect(report.labels).toHaveLength(10);
    expect(report.map).toHaveLength(28);
    expect(report.map[0]).toHaveLength(28);
  });

  it('an_unknown_class_lists_the_classes', async () => {
    const r = await runCliProcess(['saliency', run, '--image', image, '--class', 'hat', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The run has no class "hat". Its classes: ankle-boot, bag, coat, dress, pullover, sandal, shirt, sneaker, t-shirt, trouser.');
  });

  it('a_project_is_not_trained', async () => {
    const r = await cli(['saliency', SAMPLE_PROJECT, '--image', image, '--png', join(out, 'x.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cnn-studio saliency explains a trained network');
  });
});
