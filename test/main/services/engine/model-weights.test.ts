import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../../src/shared/errors';
import { decodeWeights, encodeWeights } from '../../../../src/shared/weights';
import { loadBackend } from '../../../../src/main/services/engine/backends';
import type { CompiledModel } from '../../../../src/main/services/engine/compile-model';
import { compileModel } from '../../../../src/main/services/engine/compile-model';
import { readWeights, unusedWeights, writeWeights } from '../../../../src/main/services/engine/model-weights';
import { chain } from '../../../support/graph-fixtures';
import { flatOf, images } from './engine-fixtures';

const graph = chain([8, 8, 3], [
  ['conv1', 'Conv2D', { filters: 4, padding: 'same' }],
  ['bn1', 'BatchNorm'],
  ['res', 'Residual', { filters: 4 }],
  ['gap', 'GlobalAvgPool'],
  ['dense1', 'Dense', { units: 5, useBias: false }],
], { classes: 3 });

const models: CompiledModel[] = [];
const compile = (seed: number) => {
  const c = compileModel(flatOf(graph), { seed });
  models.push(c);
  return c;
};

function caught(f: () => void): StudioError {
  try {
    f();
  } catch (e) {
    if (e instanceof StudioError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('readWeights / writeWeights', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });
  afterEach(() => {
    for (const c of models.splice(0)) c.model.dispose();
  });

  it('reads_every_weight_by_node_and_role_in_tfjs_shapes', () => {
    const w = readWeights(compile(1));
    expect(Object.keys(w).sort()).toEqual(['bn1', 'conv1', 'dense1', 'output', 'res.conv1', 'res.conv1_bn', 'res.conv2', 'res.conv2_bn'].sort());
    expect(w['conv1']!.kernel!.shape).toEqual([3, 3, 3, 4]);
    expect(w['conv1']!.bias!.shape).toEqual([4]);
    expect(Object.keys(w['res.conv1']!)).toEqual(['kernel']);
    expect(Object.keys(w['bn1']!).sort()).toEqual(['beta', 'gamma', 'movingMean', 'movingVariance']);
    expect(w['dense1']!.kernel!.shape).toEqual([4, 5]);
    expect(w['output']!.kernel!.shape).toEqual([5, 3]);
  });

  it('round_trips_through_the_interchange_format_and_gives_the_same_predictions', () => {
    const source = compile(1);
    const target = compile(2);
    const x = images([2, 8, 8, 3]);
    const { manifest, data } = encodeWeights(readWeights(source));
    writeWeights(target, decodeWeights(JSON.parse(JSON.stringify(manifest)), data, 'weights.bin'));
    expect(readWeights(target)).toEqual(readWeights(source));
    const [a, b] = tf.tidy(() => [(source.model.predict(x) as tf.Tensor).dataSync(), (target.model.predict(x) as tf.Tensor).dataSync()]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(unusedWeights(target, readWeights(source))).toEqual([]);
    x.dispose();
  });

  it('names_the_node_and_role_of_a_missing_tensor_and_writes_nothing', () => {
    const c = compile(1);
    const before = readWeights(c);
    const weights = readWeights(compile(2));
    delete weights['res.conv2_bn']!.movingVariance;
    const error = caught(() => writeWeights(c, weights, 'checkpoint epoch-3'));
    expect(error.code).toBe('run-invalid');
    expect(error.message).toBe('checkpoint epoch-3 hold no movingVariance for layer res.conv2_bn (expected [4]).');
    expect(error.where).toBe('res.conv2_bn/movingVariance');
    expect(error.hint).toBeTruthy();
    expect(readWeights(c)).toEqual(before);
  });

  it('names_the_expected_and_found_shapes_of_a_wrong_tensor', () => {
    const c = compile(1);
    const weights = readWeights(c);
    weights['conv1']!.kernel = { shape: [5, 5, 3, 4], values: new Float32Array(300) };
    const error = caught(() => writeWeights(c, weights));
    expect(error.message).toBe('the weights give layer conv1 a kernel of shape [5, 5, 3, 4], but the layer needs [3, 3, 3, 4].');
    expect(error.where).toBe('conv1/kernel');
  });

  it('lists_weights_the_model_has_no_place_for', () => {
    const c = compile(1);
    const weights = readWeights(c);
    weights['gone'] = { kernel: { shape: [1], values: new Float32Array(1) } };
    expect(unusedWeights(c, weights)).toEqual(['gone/kernel']);
  });
});
