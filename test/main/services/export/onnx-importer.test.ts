import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../../../src/main/services/export/onnx/import/onnx-importer';
import { exportOnnx } from '../../../../src/main/services/export/onnx/onnx-writer';
import { StudioError } from '../../../../src/shared/errors';
import type { ExportOpset, InputLayout } from '../../../../src/shared/onnx/opsets';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../../src/shared/templates';
import { floatTensor, handModel, int64Tensor, node, seeded } from './support/onnx-builder';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, runOnnx, softmaxRows, toNchw, useWasm } from './support/parity';

const TOLERANCE = 1e-4;
const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'onnx');

beforeAll(useWasm);

interface Expected {
  input_shape: [number, number, number, number];
  output_shape: [number, number];
  output: number[];
}

/** A fixture's input, x[i] = sin(0.37 i) over the NCHW batch, as the generator wrote it; also in NHWC for TF.js. */
function fixtureInput(shape: [number, number, number, number]): { nchw: Float32Array; batch: { nhwc: Float32Array; dims: [number, number, number, number] } } {
  const [n, c, h, w] = shape;
  const nchw = Float32Array.from({ length: n * c * h * w }, (_, i) => Math.sin(0.37 * i));
  const nhwc = new Float32Array(nchw.length);
  for (let b = 0; b < n; b++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) nhwc[((b * h + y) * w + x) * c + k] = nchw[((b * c + k) * h + y) * w + x]!;
  return { nchw, batch: { nhwc, dims: [n, h, w, c] } };
}

/** Runs an NCHW-input model on exactly these NCHW values. */
async function runNchw(bytes: Uint8Array, nchw: Float32Array, shape: [number, number, number, number]): Promise<Float32Array> {
  const [n, c, h, w] = shape;
  const nhwc = new Float32Array(nchw.length);
  for (let b = 0; b < n; b++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) nhwc[((b * h + y) * w + x) * c + k] = nchw[((b * c + k) * h + y) * w + x]!;
  expect(toNchw(nhwc, [n, h, w, c])).toEqual(nchw);
  return runOnnx(bytes, { nhwc, dims: [n, h, w, c] }, 'nchw');
}

describe('PyTorch exports (test/fixtures/onnx, made by make_fixtures.py with torch 1.13)', () => {
  const fixtures: [name: string, kinds: string, logits: boolean][] = [
    ['lenet', 'Input Conv2D MaxPool2D Conv2D MaxPool2D Flatten Dense Dense Output', true],
    ['vgg-style', 'Input Conv2D Conv2D Activation MaxPool2D Conv2D MaxPool2D AvgPool2D Flatten Dense BatchNorm Activation Output', false],
    ['resnet-style', 'Input Conv2D MaxPool2D Conv2D Conv2D Add Activation Conv2D Conv2D Conv2D Add Activation BatchNorm GlobalAvgPool Output', true],
  ];
  for (const [name, kinds, logits] of fixtures) {
    it(`${name}_imports_and_reproduces_pytorch`, async () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, `${name}.onnx`)));
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
      const { nchw, batch } = fixtureInput(expected.input_shape);
      // The fixture itself: onnxruntime-node gives PyTorch's outputs.
      expect(maxAbsDiff(await runNchw(bytes, nchw, expected.input_shape), expected.output)).toBeLessThanOrEqual(TOLERANCE);

      const imported = importOnnx(bytes, `${name}.onnx`);
      expect(imported.graph.nodes.map((n) => n.kind).join(' ')).toBe(kinds);
      expect(imported.inputLayout).toBe('nchw');
      const flat = flatOf(imported.graph);
      // Import → export: the same outputs as PyTorch (logits where the model returned logits).
      const again = exportOnnx({ flat, weights: imported.weights, logits, producerVersion: 'test' });
      expect(maxAbsDiff(await runNchw(again, nchw, expected.input_shape), expected.output)).toBeLessThanOrEqual(TOLERANCE);
      // The project runs in the studio's own engine with those weights.
      const compiled = compileWith(flat, imported.weights);
      const probabilities = logits ? softmaxRows(Float32Array.from(expected.output), expected.output_shape[1]) : Float32Array.from(expected.output);
      expect(maxAbsDiff(predictTf(compiled.model, batch), probabilities)).toBeLessThanOrEqual(TOLERANCE);
      compiled.model.dispose();
      expect(imported.warnings.some((w) => w.includes('returns logits'))).toBe(logits);
    });
  }

  it('names_layers_after_pytorch_s_modules', () => {
    const lenet = importOnnx(new Uint8Array(readFileSync(join(FIXTURES, 'lenet.onnx'))), 'lenet.onnx');
    expect(lenet.graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'maxpool', 'conv2', 'maxpool_1', 'reshape', 'fc1', 'fc2', 'fc3']);
    const resnet = importOnnx(new Uint8Array(readFileSync(join(FIXTURES, 'resnet-style.onnx'))), 'resnet-style.onnx');
    expect(resnet.graph.nodes.map((n) => n.id)).toContain('layer2_downsample_0');
    expect(resnet.graph.nodes.map((n) => n.id)).toContain('layer1_add');
    expect(resnet.weights.layer2_downsample_0!.kernel!.shape).toEqual([1, 1, 16, 32]);
    // Every weight of the file is in the project: its parameter count is the file's.
    expect(analyzeGraph(resnet.graph).totals.total).toBe(16 * 3 * 9 + 16 + 2 * (16 * 16 * 9 + 16) + (16 * 32 + 32) + (16 * 32 * 9 + 32) + (32 * 32 * 9 + 32) + 4 * 32 + 32 * 10 + 10);
  });
});

describe('round trip of the studio\'s own exports', () => {
  const cases: [template: string, opset: ExportOpset, layout: InputLayout][] = [
    ['lenet5', 11, 'nchw'],
    ['alexnet-small', 13, 'nhwc'],
    ['googlenet-small', 17, 'nchw'],
    ['resnet-small', 13, 'nhwc'],
    ['resnet18', 11, 'nhwc'],
  ];
  for (const [template, opset, layout] of cases) {
    it(`${template}_opset_${opset}_${layout}`, async () => {
      const flat = flatOf(buildTemplate(template, { input: { height: 32, width: 32, channels: template === 'lenet5' ? 1 : 3 }, classes: 4 }));
      const compiled = compileWith(flat);
      const weights = perturbWeights(modelWeights(compiled));
      compiled.model.dispose();
      const labels = ['ant', 'bee', 'cat', 'dog'];
      const preprocessing = { height: 32, width: 32, channels: (template === 'lenet5' ? 1 : 3) as 1 | 3, resize: 'letterbox' as const, scale: 1 / 255, mean: template === 'lenet5' ? [0.2] : [0.1, 0.2, 0.3], std: template === 'lenet5' ? [0.5] : [0.4, 0.5, 0.6], channelOrder: 'rgb' as const };
      const bytes = exportOnnx({ flat, weights, labels, preprocessing, opset, layout, producerVersion: 'test' });
      const imported = importOnnx(bytes, `${template}.onnx`);
      expect(imported.inputLayout).toBe(layout);
      expect(imported.labels).toEqual(labels);
      expect(imported.preprocessing).toEqual(preprocessing);
      expect(imported.warnings).toEqual([]);
      // Same layers (blocks come back expanded, Dropout gone), same ids with blocks' dots as underscores.
      const kept = flat.nodes.filter((n) => n.kind !== 'Dropout' && !(n.kind === 'Activation' && n.params.activation === 'linear'));
      expect(imported.graph.nodes.map((n) => n.id).sort()).toEqual(kept.map((n) => n.id.replace(/\./g, '_')).sort());
      const again = exportOnnx({ flat: flatOf(imported.graph), weights: imported.weights, labels: imported.labels, preprocessing: imported.preprocessing, opset, layout, producerVersion: 'test' });
      const batch = imageBatch(flat, 2);
      expect(maxAbsDiff(await runOnnx(again, batch, layout), await runOnnx(bytes, batch, layout))).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

/** Imports a hand-made model, exports the result, and checks onnxruntime gives the same on both. */
async function expectSameOutputs(bytes: Uint8Array, inputDims: [number, number, number, number], layout: InputLayout = 'nchw'): Promise<ReturnType<typeof importOnnx>> {
  const imported = importOnnx(bytes, 'hand.onnx');
  // A model that returns logits is exported with --logits, so both return the same thing.
  const logits = imported.warnings.some((w) => w.includes('returns logits'));
  const again = exportOnnx({ flat: flatOf(imported.graph), weights: imported.weights, layout, producerVersion: 'test', logits });
  const [n, a, b, c] = inputDims;
  const values = seeded(n * a * b * c, 99);
  const batch = layout === 'nchw' ? fromNchw(values, inputDims) : { nhwc: values, dims: inputDims };
  const original = await runOnnx(bytes, batch, layout);
  const exported = await runOnnx(again, batch, layout);
  expect(maxAbsDiff(exported, original)).toBeLessThanOrEqual(TOLERANCE);
  return imported;
}

/** The NHWC batch whose NCHW form is `values` (runOnnx converts back). */
function fromNchw(values: Float32Array, [n, c, h, w]: readonly number[]): { nhwc: Float32Array; dims: [number, number, number, number] } {
  const nhwc = new Float32Array(values.length);
  for (let b = 0; b < n!; b++) for (let k = 0; k < c!; k++) for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) nhwc[((b * h! + y) * w! + x) * c! + k] = values[((b * c! + k) * h! + y) * w! + x]!;
  return { nhwc, dims: [n!, h!, w!, c!] };
}

const conv = (name: string, input: string, cin: number, cout: number, k: number, attributes: Record<string, number[] | number | string> = {}) => ({
  node: node('Conv', [input, `${name}.weight`, `${name}.bias`], [name], { kernel_shape: [k, k], ...attributes }),
  tensors: [floatTensor(`${name}.weight`, [cout, cin, k, k], seeded(cout * cin * k * k, cout + k)), floatTensor(`${name}.bias`, [cout], seeded(cout, 7))],
});

describe('patterns other exporters write', () => {
  it('pad_nodes_fold_into_the_next_conv_and_max_pool', async () => {
    const c1 = conv('c1', 'p1', 3, 4, 3, { strides: [2, 2] });
    const bytes = handModel({
      input: { name: 'x', dims: [1, 3, 8, 8] },
      nodes: [
        // TF-style "same" for a stride-2 3x3 conv on 8 pixels: 0 before, 1 after.
        node('Pad', ['x', 'pads1'], ['p1'], { mode: 'constant' }),
        c1.node,
        node('Pad', ['c1', 'pads2', 'lowest'], ['p2']),
        node('MaxPool', ['p2'], ['m'], { kernel_shape: [3, 3], strides: [1, 1] }),
        node('GlobalAveragePool', ['m'], ['g']),
        node('Flatten', ['g'], ['f']),
        node('MatMul', ['f', 'fc.w'], ['mm']),
        node('Add', ['mm', 'fc.b'], ['y']),
      ],
      initializers: [
        int64Tensor('pads1', [0, 0, 0, 0, 0, 0, 1, 1]),
        int64Tensor('pads2', [0, 0, 1, 1, 0, 0, 1, 1]),
        floatTensor('lowest', [], [-3.4028234663852886e38]),
        ...c1.tensors,
        floatTensor('fc.w', [4, 3], seeded(12, 5)),
        floatTensor('fc.b', [3], seeded(3, 6)),
      ],
    });
    const imported = await expectSameOutputs(bytes, [1, 3, 8, 8]);
    expect(imported.graph.nodes.map((n) => `${n.kind}:${JSON.stringify(n.params.padding ?? '')}`)).toEqual(['Input:""', 'Conv2D:"same"', 'MaxPool2D:1', 'GlobalAvgPool:""', 'Output:""']);
    // MatMul + Add: one Output with the Add's constant as its bias.
    expect(imported.weights.mm!.bias!.values).toEqual(seeded(3, 6));
  });

  it('nhwc_input_behind_a_transpose_as_tf2onnx_writes_it', async () => {
    const c1 = conv('c1', 't', 3, 4, 3, { pads: [1, 1, 1, 1] });
    const bytes = handModel({
      input: { name: 'image', dims: ['N', 6, 7, 3] },
      nodes: [
        node('Transpose', ['image'], ['t'], { perm: [0, 3, 1, 2] }),
        c1.node,
        node('LeakyRelu', ['c1'], ['r'], { alpha: { float: 0.2 } }),
        node('Transpose', ['r'], ['back'], { perm: [0, 2, 3, 1] }),
        node('Reshape', ['back', 'shape'], ['flat']),
        node('Gemm', ['flat', 'w', 'b'], ['logits']),
        node('Softmax', ['logits'], ['y'], { axis: 1 }),
      ],
      initializers: [...c1.tensors, int64Tensor('shape', [-1, 6 * 7 * 4]), floatTensor('w', [168, 5], seeded(840, 3)), floatTensor('b', [5], seeded(5, 4))],
    });
    const imported = importOnnx(bytes, 'hand.onnx');
    expect(imported.inputLayout).toBe('nhwc');
    expect(imported.graph.nodes.map((n) => n.kind)).toEqual(['Input', 'Conv2D', 'Activation', 'Flatten', 'Output']);
    expect(imported.graph.nodes[2]!.params).toEqual({ activation: 'leaky-relu', alpha: Math.fround(0.2) });
    const again = exportOnnx({ flat: flatOf(imported.graph), weights: imported.weights, layout: 'nhwc', producerVersion: 'test' });
    const batch = { nhwc: seeded(2 * 6 * 7 * 3, 8), dims: [2, 6, 7, 3] as [number, number, number, number] };
    expect(maxAbsDiff(await runOnnx(again, batch, 'nhwc'), await runOnnx(bytes, batch, 'nhwc'))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('softmax_before_opset_13_and_concat_of_branches', async () => {
    const a = conv('a', 'x', 3, 2, 1);
    const b = conv('b', 'x', 3, 3, 3, { pads: [1, 1, 1, 1] });
    const bytes = handModel({
      opset: 11,
      input: { name: 'x', dims: [1, 3, 5, 5] },
      nodes: [
        a.node,
        b.node,
        node('Concat', ['a', 'b'], ['cat'], { axis: 1 }),
        node('Sigmoid', ['cat'], ['s']),
        node('GlobalMaxPool', ['s'], ['g']),
        node('Squeeze', ['g'], ['v'], { axes: [2, 3] }),
        node('Gemm', ['v', 'w'], ['z'], { transB: 1, alpha: { float: 0.5 } }),
        node('Softmax', ['z'], ['y']),
      ],
      initializers: [...a.tensors, ...b.tensors, floatTensor('w', [4, 5], seeded(20, 9))],
    });
    const imported = await expectSameOutputs(bytes, [1, 3, 5, 5]);
    expect(imported.graph.nodes.map((n) => n.kind)).toEqual(['Input', 'Conv2D', 'Conv2D', 'Concatenate', 'Activation', 'GlobalMaxPool', 'Output']);
  });
});

describe('what the importer refuses', () => {
  function refusal(bytes: Uint8Array, fileName = 'model.onnx'): StudioError {
    try {
      importOnnx(bytes, fileName);
    } catch (error) {
      if (error instanceof StudioError) return error;
      throw error;
    }
    throw new Error('the import succeeded');
  }

  it('lists_every_unsupported_operator_with_its_nodes_in_one_error', () => {
    const bytes = handModel({
      nodes: [
        node('Resize', ['x', '', 'scales'], ['up'], {}, 'upsample1'),
        node('LSTM', ['up'], ['l1'], {}, 'lstm_a'),
        node('LSTM', ['l1'], ['l2'], {}, 'lstm_b'),
        node('Relu', ['l2'], ['r']),
        { ...node('FusedConv', ['r'], ['y'], {}, 'custom'), domain: 'com.microsoft' },
      ],
      initializers: [floatTensor('scales', [4], [1, 1, 2, 2])],
    });
    const error = refusal(bytes);
    expect(error.code).toBe('onnx-unsupported');
    expect(error.message).toBe('model.onnx uses operators the studio does not support: Resize (node upsample1); LSTM (nodes lstm_a, lstm_b); com.microsoft.FusedConv (node custom).');
    expect(error.hint).toMatch(/^The studio imports networks made of Conv \(group 1 or depthwise\), MaxPool, AveragePool/);
  });

  it('names_the_node_of_an_arrangement_it_cannot_express', () => {
    // Depthwise convolutions (one group per channel) import; other groupings do not.
    const grouped = handModel({
      nodes: [node('Conv', ['x', 'w1'], ['c1'], { kernel_shape: [1, 1] }), node('Conv', ['c1', 'w'], ['c'], { group: 3, kernel_shape: [3, 3] }, '/features/grouped/Conv'), node('GlobalAveragePool', ['c'], ['y'])],
      initializers: [floatTensor('w1', [6, 3, 1, 1], seeded(18, 2)), floatTensor('w', [6, 2, 3, 3], seeded(108, 1))],
    });
    expect(refusal(grouped).message).toBe('model.onnx: node /features/grouped/Conv (Conv) is a grouped convolution (3 groups of 2 of the 6 channels); the studio has ordinary (1 group) and depthwise (one group per channel) convolutions.');
    const countsPads = handModel({ nodes: [node('AveragePool', ['x'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }, 'avg')] });
    expect(refusal(countsPads).message).toBe('model.onnx: node avg (AveragePool) counts its padding in the averages (count_include_pad = 1); the studio\'s average pooling never does.');
    const oldSoftmax = handModel({ opset: 11, nodes: [node('Softmax', ['x'], ['y'], { axis: 1 }, 'sm')] });
    expect(refusal(oldSoftmax).message).toBe('model.onnx: node sm (Softmax) normalises over axis 1 and every axis after it (opset < 13), not over the channels alone.');
    const noClassifier = handModel({ nodes: [node('Relu', ['x'], ['y'])] });
    expect(refusal(noClassifier).message).toBe('model.onnx: the output y does not come straight from a fully-connected layer (Gemm or MatMul, optionally with Softmax); a studio network ends in one, its Output.');
  });

  it('refuses_inputs_that_are_not_one_fixed_size_image', () => {
    expect(refusal(handModel({ input: { name: 'x', dims: ['N', 3, 'H', 'W'] }, nodes: [node('Relu', ['x'], ['y'])] })).message).toBe('model.onnx takes images of variable size (N x 3 x H x W).');
    expect(refusal(handModel({ input: { name: 'x', dims: [1, 4, 8, 8] }, nodes: [node('Relu', ['x'], ['y'])] })).message).toBe('model.onnx takes images with 4 channels; the studio\'s images have 1 (grey) or 3 (colour).');
    expect(refusal(handModel({ nodes: [node('Add', ['x', 'x2'], ['y'])], extraInputs: [{ name: 'x2', dims: [1, 3, 8, 8] }] })).message).toBe('model.onnx has 2 inputs (x, x2); a studio network has one image input.');
    expect(refusal(handModel({ nodes: [node('Relu', ['x'], ['y']), node('Relu', ['x'], ['z'])], extraOutputs: ['z'] })).message).toBe('model.onnx has 2 outputs (y, z); a studio network has one.');
  });

  it('says_a_damaged_file_is_damaged_and_never_crashes', () => {
    const lenet = new Uint8Array(readFileSync(join(FIXTURES, 'lenet.onnx')));
    const damaged: [string, Uint8Array][] = [
      ['empty', new Uint8Array()],
      ['png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])],
      ['text', new TextEncoder().encode('this is not a model at all, just some text\n'.repeat(20))],
      ['truncated', lenet.slice(0, Math.floor(lenet.length / 2))],
      ['random', seeded(4096, 3).map((v) => Math.floor((v + 1) * 128)).reduce((bytes, v, i) => ((bytes[i] = v), bytes), new Uint8Array(4096))],
      ['no graph', handModel({ nodes: [] })],
      ['bad initializer', handModel({ nodes: [node('Relu', ['x'], ['y'])], initializers: [{ name: 'w', dims: [4], dataType: 1, rawData: new Uint8Array(6) }] })],
      ['unknown input', handModel({ nodes: [node('Relu', ['nowhere'], ['y'])] })],
    ];
    for (const [what, bytes] of damaged) {
      const error = refusal(bytes, `${what}.onnx`);
      expect(error.code, what).toMatch(/^onnx-(invalid|unsupported)$/);
      expect(error.message, what).toMatch(new RegExp(`^${what}\\.onnx`));
    }
    expect(refusal(damaged[3]![1], 'truncated.onnx').message).toMatch(/^truncated\.onnx is not a readable ONNX model: its bytes are not a valid ONNX protobuf/);
    expect(refusal(damaged[6]![1], 'bad.onnx').message).toBe('bad.onnx is a damaged ONNX model: initializer w holds 6 bytes for 4 values of 4 bytes.');
    expect(refusal(damaged[7]![1], 'x.onnx').message).toBe('x.onnx is a damaged ONNX model: node y reads nowhere, which no earlier node, input or initializer produces.');
  });

  it('survives_corrupted_bytes_with_a_sentence_or_a_valid_import', () => {
    const original = new Uint8Array(readFileSync(join(FIXTURES, 'resnet-style.onnx')));
    const positions = seeded(300, 17);
    let refused = 0;
    for (let i = 0; i < 150; i++) {
      const bytes = original.slice();
      // Corrupt a few bytes anywhere: structure, names, attributes or weights.
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(((positions[2 * i + (k % 2)]! + 1) / 2) * bytes.length);
        bytes[at] = bytes[at]! ^ (0x5a + k);
      }
      try {
        importOnnx(bytes, 'corrupt.onnx');
      } catch (error) {
        expect(error, `variant ${i}`).toBeInstanceOf(StudioError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
