import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel, loadBackend } from '../../../../src/main/services/engine';
import { runGraph } from '../../../../src/main/services/insight/graph-executor';
import { buildTemplate } from '../../../../src/shared/templates';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { chain } from '../../../support/graph-fixtures';
import { flatOf, images } from '../engine/engine-fixtures';

const GRAPHS: { name: string; graph: () => ModelGraph; input: [number, number, number] }[] = [
  { name: 'lenet5', graph: () => buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 10 }), input: [28, 28, 1] },
  {
    name: 'residual_and_batch_norm_and_dropout',
    graph: () =>
      chain([16, 16, 3], [
        ['stem', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same' }],
        ['bn', 'BatchNorm'],
        ['res', 'Residual', { filters: 8 }],
        ['res2', 'Residual', { filters: 16, strides: 2 }],
        ['gap', 'GlobalAvgPool'],
        ['drop', 'Dropout', { rate: 0.5 }],
      ]),
    input: [16, 16, 3],
  },
  {
    name: 'inception',
    graph: () =>
      chain([16, 16, 1], [
        ['stem', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same', activation: 'leaky-relu' }],
        ['inc', 'Inception', { c1x1: 4, c3x3reduce: 4, c3x3: 8, c5x5reduce: 2, c5x5: 4, poolProj: 4 }],
        ['flat', 'Flatten'],
        ['dense', 'Dense', { units: 6, activation: 'leaky-relu' }],
      ]),
    input: [16, 16, 1],
  },
];

describe('running the compiled graph node by node', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });

  it.each(GRAPHS)('$name: the same outputs as the model', ({ graph, input }) => {
    const flat = flatOf(graph());
    const compiled = compileModel(flat, { seed: 3 });
    try {
      tf.tidy(() => {
        const x = images([2, ...input], 5);
        const expected = compiled.model.predict(x) as tf.Tensor;
        const values = runGraph(compiled, flat, x);
        expect(values.size).toBe(flat.nodes.length);
        const probabilities = values.get(flat.outputId)!;
        expect(probabilities.shape).toEqual(expected.shape);
        const a = probabilities.dataSync();
        const b = expected.dataSync();
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
        // Scores before softmax give the same probabilities.
        const logits = runGraph(compiled, flat, x, { logits: true }).get(flat.outputId)!;
        tf.softmax(logits).dataSync().forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
        // And every node agrees with a model cut at that node.
        for (const node of flat.nodes.slice(1)) {
          const cut = tf.model({ inputs: compiled.model.inputs, outputs: compiled.nodes.get(node.id)!.output }).predict(x) as tf.Tensor;
          const mine = values.get(node.id)!.dataSync();
          cut.dataSync().forEach((v, i) => expect(mine[i]).toBeCloseTo(v, 4));
        }
      });
    } finally {
      compiled.model.dispose();
    }
  });
});
