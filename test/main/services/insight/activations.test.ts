import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeActivations } from '../../../../src/main/services/insight/activations';
import { compareFilterResponses } from '../../../../src/main/services/insight/filter-responses';
import { activationReportSchema, activationsJobParamsSchema, filterResponseReportSchema, filterResponsesJobParamsSchema } from '../../../../src/shared/insight/insight-jobs';
import type { InsightTarget } from '../../../../src/shared/insight/insight-jobs';
import { LECTURE_IMAGE, lectureFilters } from '../../../../src/shared/insight/lecture-example';
import { FILTER_PRESETS } from '../../../../src/shared/layers/filter-presets';
import { readProjectFile } from '../../../../src/main/services/project/project-files';
import { projectToFile } from '../../../../src/shared/project/codec';
import { chain } from '../../../support/graph-fixtures';
import { SAMPLE_DATASET, recordingContext, tempDir } from '../../../support/training-fixtures';
import { greyPng, pngSize, projectTarget, readGrey } from './insight-fixtures';

const SAMPLE_PROJECT = join(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');

async function activations(target: InsightTarget, image: string, layers: string[] | null, png: { path: string } | null = null) {
  return computeActivations(activationsJobParamsSchema.parse({ target, image, layers, png, backend: 'wasm' }), recordingContext());
}

/** The lecture's conv as a project: 6x6 grey input, its two filters typed in, no bias, no activation. */
function lectureNetwork(strides: number) {
  return projectTarget(
    chain([6, 6, 1], [['conv', 'Conv2D', { filters: 2, kernelSize: 3, strides, filterValues: lectureFilters(), useBias: false, activation: 'linear' }], ['flat', 'Flatten']], { classes: 2 }),
  );
}

/** A trouser from the sample's test split: a real image with strong vertical edges. */
async function sampleImage(): Promise<string> {
  const dir = join(SAMPLE_DATASET, 'test', 'trouser');
  return join(dir, (await readdir(dir)).sort()[0]!);
}

describe('feature maps through the engine', () => {
  it('the_lecture_example_stride_1_gives_the_hand_computed_maps', async () => {
    const image = await greyPng(LECTURE_IMAGE.map((row) => row.map((v) => v * 255)));
    const report = await activations(lectureNetwork(1), image, ['conv']);
    expect(report.layers).toHaveLength(1);
    const [conv] = report.layers;
    expect(conv!.shape).toEqual([2, 4, 4]);
    // Worked out by hand on the lecture slides.
    expect(conv!.maps).toEqual([
      [
        [3, -1, -3, -1],
        [-3, 1, 0, -3],
        [-3, -3, 0, 1],
        [3, -2, -2, -1],
      ],
      [
        [-1, -1, -1, -1],
        [-1, -1, -2, 1],
        [-1, -1, -2, 1],
        [-1, 0, -4, 3],
      ],
    ]);
    expect(report.preprocessing).toMatchObject({ scale: 1 / 255, mean: [0], std: [1] });
  });

  it('the_lecture_example_stride_2', async () => {
    const image = await greyPng(LECTURE_IMAGE.map((row) => row.map((v) => v * 255)));
    const [conv] = (await activations(lectureNetwork(2), image, ['conv'])).layers;
    // (6 − 3)/2 + 1 = 2 (floor): the windows at rows and columns 0 and 2 of the stride-1 maps.
    expect(conv!.maps).toEqual([
      [
        [3, -3],
        [-3, 0],
      ],
      [
        [-1, -1],
        [-1, -2],
      ],
    ]);
  });

  it('a_sobel_mask_on_a_sample_image_computed_by_hand', async () => {
    const image = await sampleImage();
    const graph = chain([28, 28, 1], [['sobel', 'Conv2D', { filters: 1, kernelSize: 3, filterPreset: 'sobel-vertical', activation: 'relu' }], ['flat', 'Flatten']]);
    const [input, sobel] = (await activations(projectTarget(graph), image, ['sobel', 'input'])).layers;
    expect(input!.layer).toBe('input');
    const pixels = await readGrey(image);
    expect(input!.maps[0]![14]![9]).toBeCloseTo(pixels[14]![9]! / 255, 6);
    // relu(Σ x·mask) over every 3x3 window, written out with plain loops on the file's own pixels.
    const mask = [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ];
    const expected: number[][] = [];
    let zeros = 0;
    for (let r = 0; r < 26; r++) {
      const row: number[] = [];
      for (let c = 0; c < 26; c++) {
        let sum = 0;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += (pixels[r + a]![c + b]! / 255) * mask[a]![b]!;
        row.push(Math.max(0, sum));
        if (sum <= 0) zeros += 1;
      }
      expected.push(row);
    }
    expect(sobel!.shape).toEqual([1, 26, 26]);
    sobel!.maps[0]!.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r]![c]!, 5)));
    expect(sobel!.stats.zeroFraction).toBeCloseTo(zeros / (26 * 26), 2);
    expect(sobel!.stats.max).toBeGreaterThan(1);
  });

  it('every_layer_of_the_sample_project_for_one_image', async () => {
    const project = await readProjectFile(SAMPLE_PROJECT);
    const target: InsightTarget = { kind: 'project', project: projectToFile(project), projectPath: SAMPLE_PROJECT };
    const report = await activations(target, await sampleImage(), null);
    expect(activationReportSchema.parse(report)).toEqual(report);
    expect(report.layers.map((l) => [l.layer, l.shape])).toEqual([
      ['input', [1, 28, 28]],
      ['c1', [6, 28, 28]],
      ['s2', [6, 14, 14]],
      ['c3', [16, 10, 10]],
      ['s4', [16, 5, 5]],
      ['c5', [120, 1, 1]],
      ['flatten', [120, 1, 1]],
      ['f6', [84, 1, 1]],
      ['output', [10, 1, 1]],
    ]);
    const probabilities = report.layers.at(-1)!.maps.map((m) => m[0]![0]!);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // tanh layers stay within (−1, 1).
    expect(report.layers[1]!.stats.max).toBeLessThanOrEqual(1);
    expect(report.weightsFrom).toBe('initialisation');
  });

  it('a_layer_as_a_png_grid', async () => {
    const image = await greyPng(LECTURE_IMAGE.map((row) => row.map((v) => v * 255)));
    const path = join(await tempDir('png'), 'conv.png');
    const report = await activations(lectureNetwork(1), image, ['conv'], { path });
    expect(report.png).toBe(path);
    // Two 4x4 maps enlarged 28 times side by side with a 2-pixel gap, and a colour bar (10 px + gap) below.
    expect(await pngSize(path)).toEqual({ width: 2 * 112 + 2, height: 112 + 12, format: 'png' });
  });

  it('hand_crafted_masks_and_learned_filters_on_the_same_image', async () => {
    const image = await sampleImage();
    const graph = chain([28, 28, 1], [['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }], ['flat', 'Flatten']]);
    const path = join(await tempDir('png'), 'compare.png');
    const params = filterResponsesJobParamsSchema.parse({
      target: projectTarget(graph),
      image,
      kernels: [{ name: 'box', values: [[1, 1], [1, 1]] }],
      png: { path },
      backend: 'wasm',
    });
    const report = await compareFilterResponses(params, recordingContext());
    // What crosses the engine process boundary must pass the job's result schema unchanged.
    expect(filterResponseReportSchema.parse(report)).toEqual(report);
    expect(report.handCrafted.map((h) => h.name)).toEqual([
      'sobel-vertical',
      'sobel-horizontal',
      'robinson-n',
      'robinson-nw',
      'robinson-w',
      'robinson-sw',
      'robinson-s',
      'robinson-se',
      'robinson-e',
      'robinson-ne',
      'box',
    ]);
    // Sobel with `same` padding at (14, 9), by hand from the file's pixels.
    const pixels = await readGrey(image);
    let sum = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += (pixels[13 + a]![8 + b]! / 255) * FILTER_PRESETS['sobel-vertical'][a]![b]!;
    expect(report.handCrafted[0]!.response[14]![9]).toBeCloseTo(sum, 6);
    expect(report.handCrafted[0]!.response).toHaveLength(28);
    // A 2x2 mask with `same` padding: the odd zero after, so (0, 0) sums the top-left 2x2.
    expect(report.handCrafted[10]!.response[0]![0]).toBeCloseTo((pixels[0]![0]! + pixels[0]![1]! + pixels[1]![0]! + pixels[1]![1]!) / 255, 6);
    expect(report.learned).toMatchObject({ layer: 'conv', activation: 'relu', weightsFrom: 'initialisation' });
    expect(report.learned.responses).toHaveLength(4);
    expect(report.learned.kernels).toHaveLength(4);
    // Row 1: the image and 11 responses; row 2: the 4 learned maps; 28x28 tiles enlarged 3 times.
    expect(await pngSize(path)).toEqual({ width: 12 * 84 + 11 * 2, height: 2 * 84 + 2, format: 'png' });
  });

  it('a_layer_that_does_not_exist_is_a_sentence_listing_the_ids', async () => {
    const image = await greyPng(LECTURE_IMAGE.map((row) => row.map((v) => v * 255)));
    await expect(activations(lectureNetwork(1), image, ['conv9'])).rejects.toThrow('The network has no layer "conv9". Its layers: input, conv, flat, output.');
  });
});
