import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectFilters } from '../../../../src/main/services/insight/filters';
import { computeSaliency } from '../../../../src/main/services/insight/saliency';
import { trainRun } from '../../../../src/main/services/training/trainer';
import { filtersJobParamsSchema, saliencyJobParamsSchema } from '../../../../src/shared/insight/insight-jobs';
import type { InsightTarget } from '../../../../src/shared/insight/insight-jobs';
import { presetFilterValues } from '../../../../src/shared/layers/filter-presets';
import { chain } from '../../../support/graph-fixtures';
import { recordingContext, sampleSubset, smallProject, tempDir, trainParams } from '../../../support/training-fixtures';
import { pngSize, projectTarget } from './insight-fixtures';

const graph = () =>
  chain([28, 28, 1], [
    ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }],
    ['pool', 'MaxPool2D'],
    ['flat', 'Flatten'],
  ], { classes: 3 });

async function filters(target: InsightTarget, layer: string, png: Record<string, unknown> | null = null) {
  return inspectFilters(filtersJobParamsSchema.parse({ target, layer, png, backend: 'wasm' }), recordingContext());
}

let run: string;
let data: string;

beforeAll(async () => {
  data = await sampleSubset(['bag', 'sneaker', 'trouser'], 12);
  run = join(await tempDir('run'), 'run');
  // Seed 7, as projectTarget uses: the run starts from the initialisation the project shows.
  await trainRun(trainParams(smallProject(graph(), { epochs: 1, batchSize: 8 }), run, data), recordingContext());
});

describe('filters', () => {
  it('a_run_keeps_its_initial_weights_and_they_are_the_projects_initialisation', async () => {
    expect(await readdir(join(run, 'initial'))).toEqual(expect.arrayContaining(['weights.json', 'weights.bin']));
    const trained = await filters({ kind: 'run', runDir: run, weights: 'final' }, 'conv');
    expect(trained).toMatchObject({ layer: 'conv', kind: 'Conv2D', filters: 4, channels: 1, kernelSize: 3, source: 'run', weightsFrom: 'weights', channelOrder: 'rgb' });
    expect(trained.values).toHaveLength(4);
    expect(trained.values[0]![0]).toHaveLength(3);
    expect(trained.bias).toHaveLength(4);
    expect(trained.initial?.weightsFrom).toBe('initial');
    const project = await filters(projectTarget(graph()), 'conv');
    expect(project).toMatchObject({ source: 'project', weightsFrom: 'initialisation', initial: null, origin: 'the initialisation seeded with 7, as training would start' });
    expect(trained.initial!.values).toEqual(project.values);
    expect(trained.values).not.toEqual(project.values);
    // --weights initial shows the same as the run's "before".
    const before = await filters({ kind: 'run', runDir: run, weights: 'initial' }, 'conv');
    expect(before.values).toEqual(trained.initial!.values);
    expect(before.initial).toBeNull();
  });

  it('before_and_after_as_one_png', async () => {
    const path = join(await tempDir('png'), 'filters.png');
    const report = await filters({ kind: 'run', runDir: run, weights: 'final' }, 'conv', { path, compare: true });
    expect(report.png).toBe(path);
    // Each side: 4 tiles of 3x3 enlarged 16 times in a 2x2 grid (3-pixel gaps) and a legend (10 pixels and a gap); 12 pixels between the sides.
    const side = 2 * 48 + 3;
    expect(await pngSize(path)).toEqual({ width: 2 * side + 12, height: side + 13, format: 'png' });
    await expect(filters(projectTarget(graph()), 'conv', { path, compare: true })).rejects.toThrow('There is nothing to compare conv with: a project has not been trained.');
  });

  it('fixed_filters_of_a_project_are_its_presets', async () => {
    const g = chain([28, 28, 3], [['edges', 'Conv2D', { filters: 2, kernelSize: 3, filterPreset: ['sobel-vertical', 'sobel-horizontal'] }], ['flat', 'Flatten']]);
    const report = await filters(projectTarget(g), 'edges');
    // mask / 3 on each of the 3 channels, as float32 holds it.
    const expected = presetFilterValues(['sobel-vertical', 'sobel-horizontal'], 3).flat(3);
    report.values.flat(3).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(report.values[1]![2]![2]).toEqual([expect.closeTo(1 / 3, 6), expect.closeTo(2 / 3, 6), expect.closeTo(1 / 3, 6)]);
    expect(report.origin).toBe('fixed filters: the presets sobel-vertical, sobel-horizontal');
    const path = join(await tempDir('png'), 'rgb.png');
    await filters(projectTarget(g), 'edges', { path });
    // RGB input: one colour tile per filter, side by side, no legend.
    expect(await pngSize(path)).toEqual({ width: 2 * 48 + 3, height: 48, format: 'png' });
  });

  it('a_layer_that_is_not_a_conv_lists_the_convolutions', async () => {
    await expect(filters(projectTarget(graph()), 'pool')).rejects.toThrow('Layer pool is a MaxPool2D, not a Conv2D, so it has no filters. Its convolution layers: conv.');
    await expect(filters(projectTarget(graph()), 'conv2')).rejects.toThrow('The network has no layer "conv2". Its convolution layers: conv.');
  });

  it('a_baseline_run_has_no_network_to_look_inside', async () => {
    const copy = join(await tempDir('baseline'), 'run');
    await cp(run, copy, { recursive: true });
    const record = JSON.parse(await readFile(join(copy, 'run.json'), 'utf8'));
    await writeFile(join(copy, 'run.json'), JSON.stringify({ ...record, kind: 'baseline' }));
    await expect(filters({ kind: 'run', runDir: copy, weights: 'final' }, 'conv')).rejects.toThrow('is a hand-crafted baseline (image features and a softmax classifier), not a convolutional network');
  });

  it('saliency_on_the_trained_run_uses_the_last_conv', async () => {
    const image = join(data, 'trouser', (await readdir(join(data, 'trouser'))).sort()[0]!);
    const report = await computeSaliency(saliencyJobParamsSchema.parse({ target: { kind: 'run', runDir: run }, image, backend: 'wasm' }), recordingContext());
    expect(report).toMatchObject({ layer: 'conv', labels: ['bag', 'sneaker', 'trouser'], weightsFrom: 'weights' });
    expect(report.layerMap).toHaveLength(28);
    expect(report.map).toHaveLength(28);
    expect(report.channelWeights).toHaveLength(4);
    expect(Math.min(...report.map.flat())).toBeGreaterThanOrEqual(0);
  });
});
