import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../../../src/main/services/export/onnx/onnx-proto';
import { exportOnnx } from '../../../../src/main/services/export/onnx/onnx-writer';
import { ONNX_EMITTERS } from '../../../../src/main/services/export/onnx/ops';
import { StudioError } from '../../../../src/shared/errors';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { PRIMITIVE_KINDS } from '../../../../src/shared/layers';
import type { ModelProtoData } from '../../../../src/shared/onnx/model-proto';
import type { ExportOpset, InputLayout } from '../../../../src/shared/onnx/opsets';
import type { FlatGraph } from '../../../../src/shared/shapes/analyze';
import type { WeightSet } from '../../../../src/shared/weights';
import { chain } from '../../../support/graph-fixtures';
import { checkOnnxModel } from './support/onnx-checker';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, runOnnx, softmaxRows, useWasm } from './support/parity';

const TOLERANCE = 1e-4;
const OPSETS: ExportOpset[] = [11, 13, 17];
const LAYOUTS: InputLayout[] = ['nchw', 'nhwc'];

beforeAll(useWasm);

function decode(bytes: Uint8Array): ModelProtoData {
  return decodeModelProto(bytes, 'test.onnx');
}

/** Exports a graph with trained-like weights and checks onnxruntime against TF.js for every opset and layout. */
async function expectParity(graph: ModelGraph): Promise<{ flat: FlatGraph; weights: WeightSet }> {
  const flat = flatOf(graph);
  const compiled = compileWith(flat);
  const weights = perturbWeights(modelWeights(compiled));
  compiled.model.dispose();
  const model = compileWith(flat, weights);
  const batch = imageBatch(flat, 3);
  const expected = predictTf(model.model, batch);
  model.model.dispose();
  for (const opset of OPSETS) {
    for (const layout of LAYOUTS) {
      const bytes = exportOnnx({ flat, weights, opset, layout, producerVersion: 'test' });
      expect(checkOnnxModel(decode(bytes)), `opset ${opset} ${layout}`).toEqual([]);
      const got = await runOnnx(bytes, batch, layout);
      expect(maxAbsDiff(got, expected), `opset ${opset} ${layout}`).toBeLessThanOrEqual(TOLERANCE);
    }
  }
  return { flat, weights };
}

/** Input 7x9x3 (odd, non-square: catches swapped axes and the odd "same" pixel) → layers → Output(3). */
function layers(...specs: [id: string, kind: string, params?: Record<string, unknown>][]): ModelGraph {
  return chain([7, 9, 3], [...specs, ...(needsFlatten(specs) ? [['flatten', 'Flatten', {}] as [string, string, Record<string, unknown>]] : [])], { classes: 3 });
}

function needsFlatten(specs: [string, string, Record<string, unknown>?][]): boolean {
  const last = specs[specs.length - 1]?.[1];
  return last !== 'Flatten' && last !== 'GlobalAvgPool' && last !== 'GlobalMaxPool' && last !== 'Dense' && !(last === 'Dropout' && specs.some((s) => s[1] === 'Dense'));
}

describe('ONNX emitters: onnxruntime equals TF.js for every kind (opsets 11, 13, 17; NCHW and NHWC)', () => {
  it('every_primitive_kind_has_an_emitter', () => {
    expect(Object.keys(ONNX_EMITTERS).sort()).toEqual([...PRIMITIVE_KINDS].sort());
  });

  const cases: [string, ModelGraph][] = [
    ['conv_valid_relu', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3 }])],
    ['conv_same_stride2_odd_pixel_tanh', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }])],
    ['conv_same_even_kernel_sigmoid', layers(['conv', 'Conv2D', { filters: 5, kernelSize: 4, padding: 'same', activation: 'sigmoid' }])],
    ['conv_numeric_padding_2_no_bias', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 2, useBias: false, activation: 'linear' }])],
    ['conv_dilation_2_same_elu', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, dilation: 2, padding: 'same', activation: 'elu' }])],
    ['conv_stride3_drops_rows_leaky_relu', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 2, strides: 3, activation: 'leaky-relu' }])],
    ['conv_softmax_over_channels', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 1, activation: 'softmax' }])],
    ['maxpool_valid', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'linear' }], ['pool', 'MaxPool2D', { poolSize: 2, strides: 2 }])],
    ['maxpool_same_3_stride_2', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'linear' }], ['pool', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' }])],
    ['maxpool_numeric_padding_ignores_pads_on_negatives', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'linear' }], ['pool', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 }])],
    ['avgpool_same_excludes_padding', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'linear' }], ['pool', 'AvgPool2D', { poolSize: 3, strides: 2, padding: 'same' }])],
    ['avgpool_numeric_padding_excludes_padding', layers(['pool', 'AvgPool2D', { poolSize: 3, strides: 1, padding: 1 }])],
    ['global_avg_pool', layers(['conv', 'Conv2D', { filters: 6, kernelSize: 3 }], ['gap', 'GlobalAvgPool'])],
    ['global_max_pool', layers(['conv', 'Conv2D', { filters: 6, kernelSize: 3, activation: 'linear' }], ['gmp', 'GlobalMaxPool'])],
    ['flatten_in_channels_last_order', layers(['conv', 'Conv2D', { filters: 5, kernelSize: 3 }], ['flat', 'Flatten'])],
    ['dense_activations', layers(['flat', 'Flatten'], ['d1', 'Dense', { units: 8, activation: 'leaky-relu' }], ['d2', 'Dense', { units: 7, activation: 'elu' }], ['d3', 'Dense', { units: 6, activation: 'softmax' }], ['d4', 'Dense', { units: 5, activation: 'linear', useBias: false }])],
    ['dropout_removed', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3 }], ['drop', 'Dropout', { rate: 0.5 }], ['flat', 'Flatten'], ['dense', 'Dense', { units: 8 }], ['drop2', 'Dropout', { rate: 0.3 }])],
    ['batchnorm_on_map_and_vector', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, activation: 'linear' }], ['bn', 'BatchNorm', { epsilon: 1e-3 }], ['flat', 'Flatten'], ['dense', 'Dense', { units: 8 }], ['bn2', 'BatchNorm'])],
    ['activation_layers_with_alpha', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, activation: 'linear' }], ['a1', 'Activation', { activation: 'leaky-relu', alpha: 0.2 }], ['a2', 'Activation', { activation: 'elu', alpha: 0.5 }], ['a3', 'Activation', { activation: 'sigmoid' }], ['a4', 'Activation', { activation: 'tanh' }], ['a5', 'Activation', { activation: 'linear' }], ['a6', 'Activation', { activation: 'relu' }])],
    ['softmax_activation_on_map', layers(['conv', 'Conv2D', { filters: 4, kernelSize: 3, activation: 'linear' }], ['sm', 'Activation', { activation: 'softmax' }])],
    ['add_of_three_branches_and_concatenate', branches()],
    ['concatenate_vectors', vectorConcat()],
    ['residual_and_inception_blocks', blocks()],
  ];
  for (const [name, graph] of cases) it(name, async () => void (await expectParity(graph)));
});

/** Input → three convolutions → Add (three inputs: Sum) and Concatenate → Flatten → Output. */
function branches(): ModelGraph {
  const conv = (id: string, k: number) => ({ id, kind: 'Conv2D', params: { filters: 4, kernelSize: k, padding: 'same', activation: 'linear' } });
  return {
    nodes: [
      { id: 'input', kind: 'Input', params: { height: 6, width: 5, channels: 3 } },
      conv('a', 1),
      conv('b', 3),
      conv('c', 5),
      { id: 'sum', kind: 'Add', params: {} },
      { id: 'cat', kind: 'Concatenate', params: {} },
      { id: 'flat', kind: 'Flatten', params: {} },
      { id: 'output', kind: 'Output', params: { classes: 4 } },
    ],
    edges: [
      { from: 'input', to: 'a' },
      { from: 'input', to: 'b' },
      { from: 'input', to: 'c' },
      { from: 'a', to: 'sum' },
      { from: 'b', to: 'sum' },
      { from: 'c', to: 'sum' },
      { from: 'sum', to: 'cat' },
      { from: 'a', to: 'cat' },
      { from: 'cat', to: 'flat' },
      { from: 'flat', to: 'output' },
    ],
  };
}

function vectorConcat(): ModelGraph {
  return {
    nodes: [
      { id: 'input', kind: 'Input', params: { height: 5, width: 5, channels: 1 } },
      { id: 'conv', kind: 'Conv2D', params: { filters: 3, kernelSize: 3 } },
      { id: 'flat', kind: 'Flatten', params: {} },
      { id: 'gap', kind: 'GlobalAvgPool', params: {} },
      { id: 'cat', kind: 'Concatenate', params: {} },
      { id: 'output', kind: 'Output', params: { classes: 2 } },
    ],
    edges: [
      { from: 'input', to: 'conv' },
      { from: 'conv', to: 'flat' },
      { from: 'conv', to: 'gap' },
      { from: 'flat', to: 'cat' },
      { from: 'gap', to: 'cat' },
      { from: 'cat', to: 'output' },
    ],
  };
}

function blocks(): ModelGraph {
  return chain(
    [8, 8, 3],
    [
      ['res', 'Residual', { filters: 4, strides: 2 }],
      ['inc', 'Inception', { c1x1: 2, c3x3reduce: 2, c3x3: 3, c5x5reduce: 2, c5x5: 2, poolProj: 2, batchNorm: true }],
      ['gap', 'GlobalAvgPool'],
    ],
    { classes: 3 },
  );
}

describe('the written model', () => {
  const graph = chain([8, 6, 3], [['conv1', 'Conv2D', { filters: 4, kernelSize: 3 }], ['drop', 'Dropout'], ['pool', 'MaxPool2D'], ['flat', 'Flatten']], { classes: 3 });
  let flat: FlatGraph;
  let weights: WeightSet;
  beforeAll(() => {
    flat = flatOf(graph);
    const compiled = compileWith(flat);
    weights = modelWeights(compiled);
    compiled.model.dispose();
  });
  const preprocessing = { height: 8, width: 6, channels: 3 as const, resize: 'center-crop' as const, scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1], channelOrder: 'bgr' as const };

  it('carries_the_metadata_a_deployer_needs', () => {
    const model = decode(exportOnnx({ flat, weights, labels: ['cat', 'dog', 'émeu'], preprocessing, layout: 'nhwc', producerVersion: '1.2.3' }));
    expect(model.producerName).toBe('cnn-studio');
    expect(model.producerVersion).toBe('1.2.3');
    const props = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(props).toEqual({
      labels: '["cat","dog","émeu"]',
      input_layout: 'NHWC',
      input_size: '8x6x3',
      normalization: JSON.stringify({ scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1], channel_order: 'bgr' }),
      resize: 'center-crop',
      output: 'probabilities',
    });
    const rgb = decode(exportOnnx({ flat, weights, preprocessing: { ...preprocessing, channelOrder: 'rgb', scale: 1 / 255, mean: [0, 0, 0] }, logits: true, producerVersion: '1' }));
    const rgbProps = Object.fromEntries((rgb.metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(JSON.parse(rgbProps.normalization!)).toEqual({ scale: 0.00392156862745098, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(rgbProps).toMatchObject({ input_layout: 'NCHW', output: 'logits' });
    expect(rgbProps.labels).toBeUndefined();
  });

  it('names_tensors_after_node_ids_with_a_symbolic_batch', () => {
    const model = decode(exportOnnx({ flat, weights, producerVersion: '1' }));
    const g = model.graph!;
    expect(g.input!.map((i) => i.name)).toEqual(['input']);
    expect(g.output!.map((o) => o.name)).toEqual(['output']);
    expect(g.input![0]!.type!.tensorType!.shape!.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 3 }, { dimValue: 8 }, { dimValue: 6 }]);
    expect(g.output![0]!.type!.tensorType!.shape!.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 3 }]);
    expect(g.node!.map((n) => `${n.name}:${n.opType}`)).toEqual(['conv1:Conv', 'conv1/relu:Relu', 'pool:MaxPool', 'flat/to_nhwc:Transpose', 'flat:Flatten', 'output:Gemm', 'output/softmax:Softmax']);
    expect(g.initializer!.map((t) => `${t.name}[${t.dims!.join(',')}]`)).toEqual(['conv1/kernel[4,3,3,3]', 'conv1/bias[4]', 'output/kernel[24,3]', 'output/bias[3]']);
    expect(g.initializer!.every((t) => !g.input!.some((i) => i.name === t.name))).toBe(true);
  });

  it('transposes_kernels_from_HWIO_to_OIHW', () => {
    const model = decode(exportOnnx({ flat, weights, producerVersion: '1' }));
    const kernel = model.graph!.initializer!.find((t) => t.name === 'conv1/kernel')!;
    const oihw = new Float32Array(Uint8Array.from(kernel.rawData!).buffer);
    const hwio = weights.conv1!.kernel!.values;
    // OIHW [o][i][h][w] = HWIO [h][w][i][o], shapes [4,3,3,3] and [3,3,3,4].
    for (const [o, i, h, w] of [[0, 0, 0, 0], [3, 2, 1, 0], [1, 2, 2, 1], [2, 1, 0, 2]] as const) {
      expect(oihw[((o * 3 + i) * 3 + h) * 3 + w]).toBe(hwio[((h * 3 + w) * 3 + i) * 4 + o]);
    }
  });

  it('is_the_same_bytes_for_the_same_inputs', () => {
    const a = exportOnnx({ flat, weights, labels: ['a', 'b', 'c'], producerVersion: '1' });
    const b = exportOnnx({ flat, weights, labels: ['a', 'b', 'c'], producerVersion: '1' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('writes_the_opset_s_own_signatures', () => {
    const gap = flatOf(chain([5, 5, 3], [['conv', 'Conv2D', { filters: 2, kernelSize: 3, activation: 'linear' }], ['sm', 'Activation', { activation: 'softmax' }], ['gap', 'GlobalAvgPool']], { classes: 2 }));
    const compiled = compileWith(gap);
    const w = modelWeights(compiled);
    compiled.model.dispose();
    for (const opset of [11, 12, 13, 14, 15, 16, 17] as const) {
      const model = decode(exportOnnx({ flat: gap, weights: w, opset, producerVersion: '1' }));
      expect(model.opsetImport).toEqual([{ domain: '', version: opset }]);
      expect(model.irVersion).toBe(opset === 11 ? 6 : opset <= 14 ? 7 : 8);
      expect(checkOnnxModel(model)).toEqual([]);
      const squeeze = model.graph!.node!.find((n) => n.opType === 'Squeeze')!;
      const softmaxes = model.graph!.node!.filter((n) => n.opType === 'Softmax');
      if (opset < 13) {
        expect(squeeze.attribute).toHaveLength(1);
        expect(squeeze.attribute![0]).toMatchObject({ name: 'axes', type: 7, ints: [2, 3] });
        expect(squeeze.input).toHaveLength(1);
        // The map's softmax before opset 13 runs on the channels moved last (axis 3), then moves them back.
        expect(softmaxes[0]!.attribute![0]).toMatchObject({ name: 'axis', i: 3 });
        expect(model.graph!.node!.filter((n) => n.opType === 'Transpose')).toHaveLength(2);
      } else {
        expect(squeeze.attribute ?? []).toEqual([]);
        expect(squeeze.input).toHaveLength(2);
        expect(softmaxes[0]!.attribute![0]).toMatchObject({ name: 'axis', i: 1 });
      }
    }
  });

  it('returns_logits_on_request', async () => {
    const compiled = compileWith(flat, perturbWeights(weights));
    const trained = modelWeights(compiled);
    const batch = imageBatch(flat, 2);
    const probabilities = predictTf(compiled.model, batch);
    // The logits themselves: the Output's input through its kernel and bias, in TF.js.
    const features = tf.tidy(() => {
      const sub = tf.model({ inputs: compiled.model.inputs, outputs: compiled.nodes.get('flat')!.output });
      return Float32Array.from((sub.predict(tf.tensor4d(batch.nhwc, batch.dims)) as tf.Tensor).dataSync());
    });
    const kernel = trained.output!.kernel!.values;
    const bias = trained.output!.bias!.values;
    const logits = Float32Array.from({ length: 6 }, (_, j) => {
      const [row, unit] = [Math.floor(j / 3), j % 3];
      let sum = bias[unit]!;
      for (let i = 0; i < 24; i++) sum += features[row * 24 + i]! * kernel[i * 3 + unit]!;
      return sum;
    });
    compiled.model.dispose();
    const bytes = exportOnnx({ flat, weights: trained, logits: true, producerVersion: '1' });
    const got = await runOnnx(bytes, batch);
    expect(maxAbsDiff(got, logits)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(softmaxRows(got, 3), probabilities)).toBeLessThanOrEqual(TOLERANCE);
    expect(decode(bytes).graph!.node!.some((n) => n.opType === 'Softmax')).toBe(false);
  });

  it('refuses_what_it_cannot_write_with_a_sentence', () => {
    const attempt = (options: Partial<Parameters<typeof exportOnnx>[0]>) => {
      try {
        exportOnnx({ flat, weights, producerVersion: '1', ...options });
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(attempt({ opset: 10 })).toMatchObject({ code: 'invalid-argument', message: 'ONNX opset 10 cannot be written; the studio writes opsets 11 to 17.' });
    expect(attempt({ opset: 18 })).toBeInstanceOf(StudioError);
    expect(attempt({ labels: ['a', 'b'] })).toMatchObject({ code: 'invalid-argument', message: 'There are 2 class labels but the Output output has 3 classes.' });
    const { conv1: _dropped, ...missing } = weights;
    expect(attempt({ weights: missing })).toMatchObject({ code: 'run-invalid', message: 'The weights hold no kernel for layer conv1 (expected [3, 3, 3, 4]).' });
    const wrong = { ...weights, conv1: { ...weights.conv1, bias: { shape: [5], values: new Float32Array(5) } } };
    expect(attempt({ weights: wrong })).toMatchObject({ code: 'run-invalid', message: 'The weights give layer conv1 a bias of shape [5], but the layer needs [4].' });
    const wide = flatOf(chain([6, 6, 3], [['pool', 'MaxPool2D', { poolSize: 2, strides: 2, padding: 2 }], ['flat', 'Flatten']], { classes: 2 }));
    const compiled = compileWith(wide);
    const w = modelWeights(compiled);
    compiled.model.dispose();
    expect(attempt({ flat: wide, weights: w })).toMatchObject({ code: 'invalid-graph', message: 'MaxPool2D pool pads its input by 2, which is not less than its 2x2 window; ONNX cannot write windows made only of padding.' });
  });
});
