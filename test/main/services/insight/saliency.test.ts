import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWeightsFolder } from '../../../../src/main/services/runs/weights-folder';
import { computeSaliency } from '../../../../src/main/services/insight/saliency';
import { saliencyJobParamsSchema } from '../../../../src/shared/insight/insight-jobs';
import type { InsightTarget } from '../../../../src/shared/insight/insight-jobs';
import { resizeBilinear } from '../../../../src/shared/insight/saliency-maps';
import { chain } from '../../../support/graph-fixtures';
import { recordingContext, tempDir } from '../../../support/training-fixtures';
import { greyPng, pngSize, projectTarget } from './insight-fixtures';

/**
 * A tiny network with fixed weights: 4x4 grey → Conv2D (2 filters 3x3, relu, valid) → 2x2x2 → Flatten (8,
 * HWC order) → Output (2 classes). Grad-CAM and the input gradient are worked out below with plain
 * loops on the same numbers. The pixels keep every pre-activation at least 0.01 away from ReLU's kink
 * at 0, where float32 and float64 could disagree about which side it is on.
 */
const PIXELS = [
  [0, 60, 102, 153],
  [204, 255, 0, 51],
  [102, 153, 204, 255],
  [0, 102, 51, 204],
];
const K = [
  // [filter][row][col]
  [
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1],
  ],
  [
    [0.5, 1, 0.5],
    [0, -1, 0],
    [-0.5, 0.25, -0.5],
  ],
];
const CONV_BIAS = [0.1, -0.2];
/** Output kernel [8 inputs][2 classes]; input i = (row·2 + col)·2 + filter. */
const W = [
  [1, -1],
  [0.5, 2],
  [-1, 0.5],
  [2, -1],
  [0.25, 1],
  [-0.5, -2],
  [1.5, 0.5],
  [-1, 1],
];
const OUT_BIAS = [0.3, -0.1];

async function tinyNetwork(): Promise<InsightTarget> {
  const dir = join(await tempDir('weights'), 'start');
  const hwio = new Float32Array(3 * 3 * 1 * 2);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let f = 0; f < 2; f++) hwio[(r * 3 + c) * 2 + f] = K[f]![r]![c]!;
  await writeWeightsFolder(dir, {
    conv: { kernel: { shape: [3, 3, 1, 2], values: hwio }, bias: { shape: [2], values: Float32Array.from(CONV_BIAS) } },
    output: { kernel: { shape: [8, 2], values: Float32Array.from(W.flat()) }, bias: { shape: [2], values: Float32Array.from(OUT_BIAS) } },
  });
  const graph = chain([4, 4, 1], [['conv', 'Conv2D', { filters: 2, kernelSize: 3, activation: 'relu' }], ['flat', 'Flatten']], { classes: 2 });
  return projectTarget(graph, (p) => (p.initialWeights = { path: dir, origin: 'hand-made' }));
}

/** The forward pass and both saliency methods, by hand. */
function reference(classIndex: number) {
  const x = PIXELS.map((row) => row.map((v) => v / 255));
  const pre = K.map((k, f) => [0, 1].map((i) => [0, 1].map((j) => {
    let s = CONV_BIAS[f]!;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += x[i + a]![j + b]! * k[a]![b]!;
    return s;
  })));
  const A = pre.map((m) => m.map((row) => row.map((v) => Math.max(0, v))));
  const logits = [0, 1].map((c) => {
    let s = OUT_BIAS[c]!;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let f = 0; f < 2; f++) s += A[f]![i]![j]! * W[(i * 2 + j) * 2 + f]![c]!;
    return s;
  });
  // ∂y_c/∂A[f][i][j] is the output weight that A[f][i][j] meets; α_f its mean over the 2x2 map.
  const alpha = [0, 1].map((f) => (W[f]![classIndex]! + W[2 + f]![classIndex]! + W[4 + f]![classIndex]! + W[6 + f]![classIndex]!) / 4);
  const cam = [0, 1].map((i) => [0, 1].map((j) => Math.max(0, alpha[0]! * A[0]![i]![j]! + alpha[1]! * A[1]![i]![j]!)));
  // ∂y_c/∂x[r][c]: through each active (pre > 0) conv output that saw the pixel.
  const grad = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => {
    let s = 0;
    for (let f = 0; f < 2; f++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      const a = r - i;
      const b = c - j;
      if (a < 0 || a > 2 || b < 0 || b > 2 || pre[f]![i]![j]! <= 0) continue;
      s += W[(i * 2 + j) * 2 + f]![classIndex]! * K[f]![a]![b]!;
    }
    return Math.abs(s);
  }));
  return { logits, alpha, cam, grad };
}

async function saliency(target: InsightTarget, image: string, options: Record<string, unknown>) {
  return computeSaliency(saliencyJobParamsSchema.parse({ target, image, backend: 'wasm', ...options }), recordingContext());
}

describe('saliency on a tiny network with fixed weights', () => {
  it('grad_cam_equals_the_hand_computed_reference', async () => {
    const target = await tinyNetwork();
    const image = await greyPng(PIXELS);
    const ref0 = reference(0);
    const predicted = ref0.logits[0]! > ref0.logits[1]! ? 0 : 1;
    const report = await saliency(target, image, {});
    expect(report).toMatchObject({ method: 'gradcam', layer: 'conv', classIndex: predicted, predicted: `class-${predicted}`, labels: ['class-0', 'class-1'] });
    const ref = reference(predicted);
    const softmax = ref.logits.map((l) => Math.exp(l) / ref.logits.reduce((s, v) => s + Math.exp(v), 0));
    report.probabilities.forEach((p, i) => expect(p).toBeCloseTo(softmax[i]!, 5));
    report.channelWeights!.forEach((a, f) => expect(a).toBeCloseTo(ref.alpha[f]!, 6));
    report.layerMap!.flat().forEach((v, k) => expect(v).toBeCloseTo(ref.cam.flat()[k]!, 5));
    expect(report.map).toHaveLength(4);
    resizeBilinear(ref.cam, 4, 4).flat().forEach((v, k) => expect(report.map.flat()[k]).toBeCloseTo(v, 5));

    // The other class, named.
    const other = 1 - predicted;
    const named = await saliency(target, image, { className: `class-${other}` });
    expect(named.classIndex).toBe(other);
    named.layerMap!.flat().forEach((v, k) => expect(v).toBeCloseTo(reference(other).cam.flat()[k]!, 5));
  });

  it('gradient_saliency_equals_the_hand_computed_reference', async () => {
    const target = await tinyNetwork();
    const image = await greyPng(PIXELS);
    for (const classIndex of [0, 1]) {
      const report = await saliency(target, image, { method: 'gradient', className: `class-${classIndex}` });
      expect(report).toMatchObject({ method: 'gradient', layer: null, layerMap: null, channelWeights: null });
      report.map.flat().forEach((v, k) => expect(v).toBeCloseTo(reference(classIndex).grad.flat()[k]!, 5));
    }
  });

  it('writes_the_overlay_and_names_bad_classes_and_layers', async () => {
    const target = await tinyNetwork();
    const image = await greyPng(PIXELS);
    const path = join(await tempDir('png'), 'cam.png');
    const report = await saliency(target, image, { png: { path } });
    expect(report.png).toBe(path);
    // 4x4 enlarged 16 times (the most the overlay enlarges).
    expect(await pngSize(path)).toEqual({ width: 64, height: 64, format: 'png' });
    await expect(saliency(target, image, { className: 'cat' })).rejects.toThrow('The network has no class "cat". Its classes: class-0, class-1.');
    await expect(saliency(target, image, { layer: 'flat' })).rejects.toThrow('Layer flat outputs a vector of 8 values, not a feature map. Its layers with feature maps: input, conv.');
    await expect(saliency(target, image, { method: 'gradient', layer: 'conv' })).rejects.toThrow('Gradient saliency is taken with respect to the input image');
  });
});
