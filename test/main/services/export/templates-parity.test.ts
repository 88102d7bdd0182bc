import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../../../src/main/services/export/onnx/onnx-proto';
import { exportOnnx } from '../../../../src/main/services/export/onnx/onnx-writer';
import type { ExportOpset, InputLayout } from '../../../../src/shared/onnx/opsets';
import { TEMPLATES, buildTemplate } from '../../../../src/shared/templates';
import { checkOnnxModel } from './support/onnx-checker';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, runOnnx, useWasm } from './support/parity';

/**
 * Issue 5's acceptance test: every template, at a small input, exported with its random initial
 * weights and with trained(-like) weights, gives in onnxruntime-node what the TF.js model gives on
 * the same images, within 1e-4. Opsets and layouts rotate over the templates (each kind is tested
 * with all of them in onnx-writer.test.ts).
 */
const TOLERANCE = 1e-4;
const CLASSES = 5;

/** The smallest inputs the templates take (AlexNet's 11x11/4 stem needs more than 32 pixels). */
function inputFor(name: string): { height: number; width: number; channels: number } {
  if (name === 'lenet5') return { height: 32, width: 32, channels: 1 };
  if (name === 'alexnet') return { height: 67, width: 67, channels: 3 };
  return { height: 32, width: 32, channels: 3 };
}

const ROTATION: [ExportOpset, InputLayout][] = [
  [11, 'nhwc'],
  [17, 'nchw'],
  [13, 'nhwc'],
  [11, 'nchw'],
  [17, 'nhwc'],
];

beforeAll(useWasm);

describe('every template: onnxruntime-node equals TF.js within 1e-4', () => {
  TEMPLATES.forEach((template, index) => {
    it(`${template.name}_random_and_perturbed_weights`, async () => {
      const flat = flatOf(buildTemplate(template.name, { input: inputFor(template.name), classes: CLASSES }));
      const batch = imageBatch(flat, 2);
      const compiled = compileWith(flat);
      const initial = modelWeights(compiled);
      const initialOut = predictTf(compiled.model, batch);
      const trained = perturbWeights(initial);
      const bytes = exportOnnx({ flat, weights: initial, opset: 13, layout: 'nchw', producerVersion: 'test' });
      expect(checkOnnxModel(decodeModelProto(bytes, `${template.name}.onnx`))).toEqual([]);
      expect(maxAbsDiff(await runOnnx(bytes, batch, 'nchw'), initialOut)).toBeLessThanOrEqual(TOLERANCE);

      const { writeWeights } = await import('../../../../src/main/services/engine');
      writeWeights(compiled, trained);
      const trainedOut = predictTf(compiled.model, batch);
      compiled.model.dispose();
      const [opset, layout] = ROTATION[index % ROTATION.length]!;
      const trainedBytes = exportOnnx({ flat, weights: trained, opset, layout, producerVersion: 'test' });
      expect(maxAbsDiff(await runOnnx(trainedBytes, batch, layout), trainedOut), `opset ${opset} ${layout}`).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});

describe('weights after real training steps', () => {
  for (const name of ['lenet5', 'resnet-small']) {
    it(`${name}_after_three_sgd_steps`, async () => {
      const flat = flatOf(buildTemplate(name, { input: inputFor(name), classes: CLASSES }));
      const compiled = compileWith(flat);
      const before = modelWeights(compiled);
      const images = imageBatch(flat, 12, 11);
      const x = tf.tensor4d(images.nhwc, images.dims);
      const y = tf.oneHot(tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % CLASSES), 'int32'), CLASSES);
      compiled.model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
      await compiled.model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      tf.dispose([x, y]);
      const trained = modelWeights(compiled);
      // Training moved the weights (and BatchNorm's running statistics, where there are any).
      const moved = Object.keys(before).filter((id) => maxAbsDiff(before[id]!.kernel?.values ?? before[id]!.movingMean!.values, trained[id]!.kernel?.values ?? trained[id]!.movingMean!.values) > 0);
      expect(moved.length).toBe(Object.keys(before).length);
      const batch = imageBatch(flat, 3);
      const expected = predictTf(compiled.model, batch);
      compiled.model.dispose();
      for (const layout of ['nchw', 'nhwc'] as const) {
        const bytes = exportOnnx({ flat, weights: trained, layout, producerVersion: 'test' });
        expect(maxAbsDiff(await runOnnx(bytes, batch, layout), expected)).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }
});
