import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../../../src/main/services/export/onnx/import/onnx-importer';
import { decodeModelProto } from '../../../../src/main/services/export/onnx/onnx-proto';
import { exportOnnx } from '../../../../src/main/services/export/onnx/onnx-writer';
import { buildStandardModel } from '../../../../src/main/services/export/tfjs/tfjs-exporter';
import type { ExportOpset, InputLayout } from '../../../../src/shared/onnx/opsets';
import { chain } from '../../../support/graph-fixtures';
import { floatTensor, handModel, int64Tensor, node, seeded } from './support/onnx-builder';
import { checkOnnxModel } from './support/onnx-checker';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, runOnnx, useWasm } from './support/parity';

/**
 * The kinds MobileNet-style networks need (issue 13): DepthwiseConv2D, SeparableConv2D, ZeroPadding2D
 * and the relu6 activation, through every target: the engine, ONNX (every opset path and layout, the
 * checker's rules, onnxruntime-node within 1e-4), TF.js's standard layers, and ONNX import back.
 */
const TOLERANCE = 1e-4;

function depthwiseGraph() {
  return chain(
    [13, 12, 3],
    [
      ['keras_pad', 'ZeroPadding2D', { top: 0, bottom: 1, left: 2, right: 0 }],
      ['dw_same', 'DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }],
      ['sep', 'SeparableConv2D', { filters: 5, kernelSize: 3, padding: 1, activation: 'relu' }],
      ['dw_dilated', 'DepthwiseConv2D', { kernelSize: 3, dilation: 2, padding: 2, activation: 'leaky-relu', useBias: false }],
      ['sep_dilated', 'SeparableConv2D', { filters: 4, kernelSize: 2, depthMultiplier: 3, dilation: 2, padding: 'same', activation: 'linear', useBias: false }],
      ['six', 'Activation', { activation: 'relu6' }],
      ['bn', 'BatchNorm', {}],
      ['gap', 'GlobalAvgPool'],
      ['dense', 'Dense', { units: 6, activation: 'relu6' }],
    ],
    { classes: 4 },
  );
}

beforeAll(useWasm);

describe('DepthwiseConv2D, SeparableConv2D, ZeroPadding2D and relu6', () => {
  it('prediction_and_training_forward_passes_agree', () => {
    const flat = flatOf(depthwiseGraph());
    const compiled = compileWith(flat, perturbWeights(modelWeights(compileWith(flatOf(depthwiseGraph())))));
    const batch = imageBatch(flat, 3);
    const predicted = predictTf(compiled.model, batch);
    // Training mode runs the custom-gradient depthwise op instead of TF.js's fused kernel; BatchNorm would
    // use batch statistics, so compare on a model without it.
    const noBn = chain([13, 12, 3], [['dw', 'DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }], ['sep', 'SeparableConv2D', { filters: 5, padding: 1 }], ['gap', 'GlobalAvgPool']], { classes: 3 });
    const plain = compileWith(flatOf(noBn));
    const x = tf.tensor4d(batch.nhwc, batch.dims);
    const [a, b] = tf.tidy(() => [(plain.model.apply(x, { training: true }) as tf.Tensor).dataSync(), (plain.model.apply(x, { training: false }) as tf.Tensor).dataSync()]);
    expect(maxAbsDiff(Float32Array.from(a!), Float32Array.from(b!))).toBeLessThanOrEqual(1e-6);
    expect(predicted.every(Number.isFinite)).toBe(true);
    tf.dispose(x);
    compiled.model.dispose();
    plain.model.dispose();
  });

  const cases: [ExportOpset, InputLayout][] = [
    [11, 'nchw'],
    [13, 'nhwc'],
    [17, 'nchw'],
  ];
  for (const [opset, layout] of cases) {
    it(`onnx_opset_${opset}_${layout}_equals_tfjs_and_imports_back`, async () => {
      const flat = flatOf(depthwiseGraph());
      const seeded = compileWith(flat);
      const weights = perturbWeights(modelWeights(seeded));
      seeded.model.dispose();
      const compiled = compileWith(flat, weights);
      const batch = imageBatch(flat, 2);
      const expected = predictTf(compiled.model, batch);
      compiled.model.dispose();
      const bytes = exportOnnx({ flat, weights, opset, layout, producerVersion: 'test' });
      expect(checkOnnxModel(decodeModelProto(bytes, 'depthwise.onnx'))).toEqual([]);
      expect(maxAbsDiff(await runOnnx(bytes, batch, layout), expected)).toBeLessThanOrEqual(TOLERANCE);

      // Back in: the grouped Conv + 1x1 Conv pairs become SeparableConv2D again, the Pad a ZeroPadding2D,
      // and the relu6 after the linear separable convolution folds into it.
      const imported = importOnnx(bytes, 'depthwise.onnx');
      expect(imported.graph.nodes.map((n) => n.kind)).toEqual(['Input', 'ZeroPadding2D', 'DepthwiseConv2D', 'SeparableConv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNorm', 'GlobalAvgPool', 'Dense', 'Output']);
      expect(imported.graph.nodes.find((n) => n.id === 'dw_same')!.params).toMatchObject({ depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' });
      expect(imported.graph.nodes.find((n) => n.id === 'sep_dilated')!.params).toMatchObject({ filters: 4, depthMultiplier: 3, dilation: 2, useBias: false, activation: 'relu6' });
      expect(imported.graph.nodes.find((n) => n.id === 'keras_pad')!.params).toEqual({ top: 0, bottom: 1, left: 2, right: 0 });
      const again = compileWith(flatOf(imported.graph), imported.weights);
      expect(maxAbsDiff(predictTf(again.model, batch), expected)).toBeLessThanOrEqual(TOLERANCE);
      again.model.dispose();
    });
  }

  it('tfjs_standard_layers_predict_like_the_engine', () => {
    const flat = flatOf(depthwiseGraph());
    const seeded = compileWith(flat);
    const weights = perturbWeights(modelWeights(seeded));
    seeded.model.dispose();
    const compiled = compileWith(flat, weights);
    const batch = imageBatch(flat, 2);
    const expected = predictTf(compiled.model, batch);
    compiled.model.dispose();
    const standard = buildStandardModel(flat, weights);
    const classes = new Set(standard.layers.map((l) => l.getClassName()));
    expect([...classes].filter((c) => c.startsWith('Studio'))).toEqual([]);
    expect(classes).toContain('DepthwiseConv2D');
    expect(classes).toContain('SeparableConv2D');
    expect(maxAbsDiff(predictTf(standard, batch), expected)).toBeLessThanOrEqual(1e-5);
    standard.dispose();
  });

  it('trains_on_webassembly_and_frozen_depthwise_weights_stay', () => {
    const graph = depthwiseGraph();
    graph.nodes.find((n) => n.id === 'dw_same')!.params.trainable = false;
    const flat = flatOf(graph);
    const compiled = compileWith(flat);
    const before = modelWeights(compiled);
    const images = imageBatch(flat, 8, 5);
    const x = tf.tensor4d(images.nhwc, images.dims);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    const optimizer = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(compiled.model.apply(x, { training: true }) as tf.Tensor, 1e-7, 1))), true, compiled.model.trainableWeights.map((w) => w.read() as tf.Variable))!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    const after = modelWeights(compiled);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(after.dw_same!.kernel!.values).toEqual(before.dw_same!.kernel!.values);
    expect(after.sep!.depthwiseKernel!.values).not.toEqual(before.sep!.depthwiseKernel!.values);
    expect(after.sep!.pointwiseKernel!.values).not.toEqual(before.sep!.pointwiseKernel!.values);
    expect(after.dw_dilated!.kernel!.values).not.toEqual(before.dw_dilated!.kernel!.values);
    tf.dispose([x, y]);
    compiled.model.dispose();
  });
});

describe('a Keras MobileNet as tf2onnx writes it (hand-made: TensorFlow cannot run here)', () => {
  it('nhwc_input_transpose_keras_padding_relu6_clips_depthwise_and_reduce_mean_import_exactly', async () => {
    const bn = (name: string, channels: number, seed: number) => [
      floatTensor(`${name}_scale`, [channels], Float32Array.from(seeded(channels, seed), (v) => 1 + 0.3 * v)),
      floatTensor(`${name}_bias`, [channels], seeded(channels, seed + 1)),
      floatTensor(`${name}_mean`, [channels], Float32Array.from(seeded(channels, seed + 2), (v) => 0.2 * v)),
      floatTensor(`${name}_var`, [channels], Float32Array.from(seeded(channels, seed + 3), (v) => 1 + 0.5 * v)),
    ];
    const bnNode = (name: string, input: string) => node('BatchNormalization', [input, `${name}_scale`, `${name}_bias`, `${name}_mean`, `${name}_var`], [name], { epsilon: { float: 0.001 } });
    const bytes = handModel({
      input: { name: 'input_1', dims: ['N', 32, 32, 3] },
      nodes: [
        node('Transpose', ['input_1'], ['nchw'], { perm: [0, 3, 1, 2] }),
        // Keras's ZeroPadding2D(((0, 1), (0, 1))) before the stride-2 stem, as "Conv1_pad".
        node('Pad', ['nchw', 'pads'], ['padded'], { mode: 'constant' }, 'Conv1_pad'),
        node('Conv', ['padded', 'stem_w'], ['stem'], { kernel_shape: [3, 3], strides: [2, 2] }, 'Conv1'),
        bnNode('bn_Conv1', 'stem'),
        node('Clip', ['bn_Conv1', 'zero', 'six'], ['Conv1_relu'], {}, 'Conv1_relu'),
        node('Conv', ['Conv1_relu', 'dw_w'], ['dw'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 }, 'expanded_conv_depthwise'),
        bnNode('expanded_conv_depthwise_BN', 'dw'),
        node('Clip', ['expanded_conv_depthwise_BN', 'zero', 'six'], ['dw_relu'], {}, 'expanded_conv_depthwise_relu'),
        node('Conv', ['dw_relu', 'project_w'], ['project'], { kernel_shape: [1, 1] }, 'expanded_conv_project'),
        bnNode('expanded_conv_project_BN', 'project'),
        node('ReduceMean', ['expanded_conv_project_BN'], ['pooled'], { axes: [2, 3], keepdims: 0 }, 'global_average_pooling2d'),
        node('MatMul', ['pooled', 'dense_w'], ['matmul'], {}, 'predictions_matmul'),
        node('Add', ['matmul', 'dense_b'], ['logits'], {}, 'predictions_bias'),
        node('Softmax', ['logits'], ['y'], { axis: 1 }, 'predictions'),
      ],
      initializers: [
        int64Tensor('pads', [0, 0, 0, 0, 0, 0, 1, 1]),
        floatTensor('stem_w', [8, 3, 3, 3], seeded(216, 1)),
        ...bn('bn_Conv1', 8, 10),
        floatTensor('zero', [], [0]),
        floatTensor('six', [], [6]),
        floatTensor('dw_w', [8, 1, 3, 3], seeded(72, 2)),
        ...bn('expanded_conv_depthwise_BN', 8, 20),
        floatTensor('project_w', [16, 8, 1, 1], seeded(128, 3)),
        ...bn('expanded_conv_project_BN', 16, 30),
        floatTensor('dense_w', [16, 5], seeded(80, 4)),
        floatTensor('dense_b', [5], seeded(5, 5)),
      ],
    });
    const imported = importOnnx(bytes, 'keras_mobilenet.onnx');
    expect(imported.inputLayout).toBe('nhwc');
    expect(imported.graph.nodes.map((n) => n.kind)).toEqual(['Input', 'Conv2D', 'BatchNorm', 'Activation', 'DepthwiseConv2D', 'BatchNorm', 'Activation', 'Conv2D', 'BatchNorm', 'GlobalAvgPool', 'Output']);
    // The asymmetric Keras padding folds into the stem as TF.js's "same"; the clips are relu6.
    expect(imported.graph.nodes[1]!.params).toMatchObject({ strides: 2, padding: 'same' });
    expect(imported.graph.nodes.filter((n) => n.kind === 'Activation').map((n) => n.params.activation)).toEqual(['relu6', 'relu6']);
    const flat = flatOf(imported.graph);
    const compiled = compileWith(flat, imported.weights);
    const batch = imageBatch(flat, 3);
    expect(maxAbsDiff(predictTf(compiled.model, batch), await runOnnx(bytes, batch, 'nhwc'))).toBeLessThanOrEqual(TOLERANCE);
    compiled.model.dispose();
  });
});
