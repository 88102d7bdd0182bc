import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { PRIMITIVE_KINDS } from '../../../../src/shared/layers';
import { FILTER_PRESETS } from '../../../../src/shared/layers/filter-presets';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';
import { buildTemplate, TEMPLATES } from '../../../../src/shared/templates';
import { loadBackend } from '../../../../src/main/services/engine/backends';
import type { CompiledModel } from '../../../../src/main/services/engine/compile-model';
import { compileModel } from '../../../../src/main/services/engine/compile-model';
import { LAYER_BUILDERS } from '../../../../src/main/services/engine/layers';
import { readWeights } from '../../../../src/main/services/engine/model-weights';
import { chain } from '../../../support/graph-fixtures';
import { flatOf, images } from './engine-fixtures';

const compiled: CompiledModel[] = [];
function compile(graph: ModelGraph, seed: number | null = 1): CompiledModel {
  const c = compileModel(flatOf(graph), { seed });
  compiled.push(c);
  return c;
}

/** The output of one node for `x`, through a model cut at that node. */
function nodeOutput(c: CompiledModel, id: string, x: tf.Tensor, training = false): Float32Array {
  return tf.tidy(() => {
    const cut = tf.model({ inputs: c.model.inputs, outputs: c.nodes.get(id)!.output });
    return (cut.apply(x, { training }) as tf.Tensor).dataSync() as Float32Array;
  });
}

// The input size each template is checked at: small enough to build in a second or two on 2 cores.
const TEMPLATE_SIZES: Record<string, number> = { alexnet: 64, 'alexnet-small': 32 };

describe('compileModel', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });
  afterEach(() => {
    for (const c of compiled.splice(0)) c.model.dispose();
  });

  it('has_a_builder_for_every_primitive_kind', () => {
    expect(Object.keys(LAYER_BUILDERS).sort()).toEqual([...PRIMITIVE_KINDS].sort());
  });

  for (const template of TEMPLATES) {
    it(`${template.name}_parameter_counts_equal_the_analysis`, () => {
      const size = TEMPLATE_SIZES[template.name] ?? 32;
      const graph = buildTemplate(template.name, { input: { height: size, width: size, channels: template.defaults.input.channels }, classes: 10 });
      const analysis = analyzeGraph(graph);
      const c = compile(graph);
      expect(c.counts).toEqual({ trainable: analysis.totals.trainable, nonTrainable: analysis.totals.nonTrainable });
      expect(c.model.outputs[0]!.shape).toEqual([null, 10]);
    });
  }

  it('resnet18_at_224_parameter_counts_equal_the_analysis', () => {
    // Builds in about a second on 2 cores (VGG-16 at 224 would allocate 138 M weights: not worth a test).
    const graph = buildTemplate('resnet18', { input: { height: 224, width: 224, channels: 3 }, classes: 1000 });
    const c = compile(graph);
    expect(c.counts).toEqual({ trainable: 11_689_512, nonTrainable: 9_600 });
  });

  it('frozen_layers_count_as_non_trainable_as_the_analysis_counts_them', () => {
    const graph = chain([8, 8, 3], [
      ['conv1', 'Conv2D', { filters: 4, trainable: false }],
      ['bn1', 'BatchNorm', { trainable: false }],
      ['res', 'Residual', { filters: 4, trainable: false }],
      ['flat', 'Flatten'],
      ['dense1', 'Dense', { units: 3, trainable: false }],
    ]);
    const analysis = analyzeGraph(graph);
    const c = compile(graph);
    expect(c.counts).toEqual({ trainable: analysis.totals.trainable, nonTrainable: analysis.totals.nonTrainable });
    expect(c.counts.trainable).toBe(3 * 10 + 10);
  });

  it('names_layers_after_flat_node_ids_and_maps_them_back', () => {
    const graph = chain([8, 8, 3], [['res1', 'Residual', { filters: 4, strides: 2 }], ['gap', 'GlobalAvgPool']]);
    const c = compile(graph);
    const flat = flatOf(graph);
    expect([...c.layerNames.keys()]).toEqual(flat.nodes.map((n) => n.id));
    for (const [id, name] of c.layerNames) {
      expect(c.model.getLayer(name)).toBe(c.nodes.get(id)!.layers[0]);
      expect(c.nodeIds.get(name)).toBe(id);
    }
    expect(c.layerNames.get('res1.conv1_bn')).toBe('res1.conv1_bn');
  });

  it('merges_take_their_inputs_in_edge_order', () => {
    const graph: ModelGraph = {
      nodes: [
        { id: 'input', kind: 'Input', params: { height: 4, width: 4, channels: 1 } },
        { id: 'wide', kind: 'Conv2D', params: { filters: 3, kernelSize: 1, activation: 'linear' } },
        { id: 'narrow', kind: 'Conv2D', params: { filters: 1, kernelSize: 1, activation: 'linear' } },
        { id: 'cat', kind: 'Concatenate', params: {} },
        { id: 'flat', kind: 'Flatten', params: {} },
        { id: 'output', kind: 'Output', params: { classes: 2 } },
      ],
      edges: [
        { from: 'input', to: 'wide' },
        { from: 'input', to: 'narrow' },
        { from: 'narrow', to: 'cat' },
        { from: 'wide', to: 'cat' },
        { from: 'cat', to: 'flat' },
        { from: 'flat', to: 'output' },
      ],
    };
    const c = compile(graph);
    const x = images([1, 4, 4, 1]);
    const cat = nodeOutput(c, 'cat', x);
    const narrow = nodeOutput(c, 'narrow', x);
    // The first channel of every pixel comes from `narrow`, the edge that reaches `cat` first.
    for (let p = 0; p < 16; p++) expect(cat[p * 4]).toBeCloseTo(narrow[p]!, 6);
    x.dispose();
  });

  it('seeded_initialisation_is_reproducible_and_local_to_each_node', () => {
    const graph = chain([8, 8, 1], [['conv1', 'Conv2D', { filters: 4 }], ['flat', 'Flatten'], ['dense1', 'Dense', { units: 8 }]]);
    const a = readWeights(compile(graph, 42));
    const b = readWeights(compile(graph, 42));
    const other = readWeights(compile(graph, 43));
    expect(b).toEqual(a);
    expect(other['conv1']!.kernel!.values).not.toEqual(a['conv1']!.kernel!.values);
    // A node added in front of dense1 leaves the other nodes' starting weights as they were.
    const grown = chain([8, 8, 1], [['conv1', 'Conv2D', { filters: 4 }], ['flat', 'Flatten'], ['extra', 'Dense', { units: 144 }], ['dense1', 'Dense', { units: 8 }]]);
    const g = readWeights(compile(grown, 42));
    expect(g['conv1']).toEqual(a['conv1']);
    expect(g['dense1']).toEqual(a['dense1']);
    expect(g['output']).toEqual(a['output']);
  });

  it('loads_typed_filter_values_as_the_hwio_kernel', () => {
    // Two filters on two channels: [filter][channel][row][col].
    const values = [
      [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
      [[[9, 10], [11, 12]], [[13, 14], [15, 16]]],
    ];
    const graph = chain([3, 3, 1], [['two', 'Conv2D', { filters: 2, kernelSize: 1 }], ['fixed', 'Conv2D', { filters: 2, kernelSize: 2, filterValues: values, useBias: false, trainable: false }], ['flat', 'Flatten']]);
    const c = compile(graph);
    const kernel = readWeights(c)['fixed']!.kernel!;
    expect(kernel.shape).toEqual([2, 2, 2, 2]);
    // HWIO: kernel[row][col][channel][filter] = values[filter][channel][row][col].
    const hwio = (r: number, k: number, ch: number, f: number) => kernel.values[((r * 2 + k) * 2 + ch) * 2 + f];
    for (let f = 0; f < 2; f++) for (let ch = 0; ch < 2; ch++) for (let r = 0; r < 2; r++) for (let k = 0; k < 2; k++) expect(hwio(r, k, ch, f)).toBe(values[f]![ch]![r]![k]);
    expect(c.model.getLayer('fixed').trainable).toBe(false);
  });

  it('applies_a_sobel_preset_as_cross_correlation', () => {
    const graph = chain([3, 3, 1], [['edges', 'Conv2D', { filters: 1, kernelSize: 3, filterPreset: 'sobel-vertical', activation: 'linear', useBias: false }], ['flat', 'Flatten']]);
    const c = compile(graph);
    const x = tf.tensor4d([0, 0, 1, 0, 0, 1, 0, 0, 1], [1, 3, 3, 1]);
    // The mask's right column (1, 2, 1) meets the bright column: 4.
    expect(Array.from(nodeOutput(c, 'edges', x))).toEqual([4]);
    expect(FILTER_PRESETS['sobel-vertical'][1]).toEqual([-2, 0, 2]);
    x.dispose();
  });

  it('pooling_never_counts_padded_cells', () => {
    // 1..9 in a 3x3 map; hand-computed windows.
    const graph = chain([3, 3, 1], [
      ['avgSame', 'AvgPool2D', { poolSize: 2, strides: 2, padding: 'same' }],
      ['flat', 'Flatten'],
    ]);
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const cases: [string, Record<string, unknown>, number[]][] = [
      // same: windows {1,2,4,5} {3,6} {7,8} {9} (the odd padding goes bottom/right).
      ['AvgPool2D', { poolSize: 2, strides: 2, padding: 'same' }, [3, 4.5, 7.5, 9]],
      // one cell on every side: windows {1} {2,3} {4,7} {5,6,8,9}.
      ['AvgPool2D', { poolSize: 2, strides: 2, padding: 1 }, [1, 2.5, 5.5, 7]],
      ['AvgPool2D', { poolSize: 3, strides: 1, padding: 1 }, [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]],
    ];
    for (const [kind, params, expected] of cases) {
      const c = compile(chain([3, 3, 1], [['pool', kind, params], ['flat', 'Flatten']]));
      expect(Array.from(nodeOutput(c, 'pool', x))).toEqual(expected);
    }
    // Max of negative values: a zero-padded cell would win; padded cells never do.
    const negative = tf.neg(x);
    const maxCases: [Record<string, unknown>, number[]][] = [
      [{ poolSize: 2, strides: 2, padding: 'same' }, [-1, -3, -7, -9]],
      [{ poolSize: 2, strides: 2, padding: 1 }, [-1, -2, -4, -5]],
    ];
    for (const [params, expected] of maxCases) {
      const c = compile(chain([3, 3, 1], [['pool', 'MaxPool2D', params], ['flat', 'Flatten']]));
      expect(Array.from(nodeOutput(c, 'pool', negative))).toEqual(expected);
    }
    compile(graph);
    tf.dispose([x, negative]);
  });

  it('flattens_in_nhwc_order', () => {
    const c = compile(chain([2, 2, 3], [['flat', 'Flatten']]));
    const x = images([1, 2, 2, 3]);
    // [row][col][channel] read in memory order: row by row, channels fastest.
    expect(Array.from(nodeOutput(c, 'flat', x))).toEqual(Array.from(x.dataSync()));
    x.dispose();
  });

  it('batchnorm_keeps_momentum_of_the_running_averages_and_frozen_uses_them_in_training', () => {
    const graph: ModelGraph = {
      nodes: [
        { id: 'input', kind: 'Input', params: { height: 2, width: 2, channels: 1 } },
        { id: 'bn', kind: 'BatchNorm', params: { momentum: 0.9 } },
        { id: 'frozen', kind: 'BatchNorm', params: { trainable: false } },
        { id: 'add', kind: 'Add', params: {} },
        { id: 'flat', kind: 'Flatten', params: {} },
        { id: 'output', kind: 'Output', params: { classes: 2 } },
      ],
      edges: [
        { from: 'input', to: 'bn' },
        { from: 'input', to: 'frozen' },
        { from: 'bn', to: 'add' },
        { from: 'frozen', to: 'add' },
        { from: 'add', to: 'flat' },
        { from: 'flat', to: 'output' },
      ],
    };
    const c = compile(graph);
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    tf.tidy(() => {
      c.model.apply(x, { training: true });
    });
    const w = readWeights(c);
    // Batch mean 4.5; unbiased variance 6 (PyTorch's running variance): 0.9·0 + 0.1·4.5, 0.9·1 + 0.1·6.
    expect(w['bn']!.movingMean!.values[0]).toBeCloseTo(0.45, 5);
    expect(w['bn']!.movingVariance!.values[0]).toBeCloseTo(1.5, 5);
    // The frozen layer normalised with its running statistics (0, 1): training output = prediction output.
    expect(w['frozen']!.movingMean!.values[0]).toBe(0);
    const training = nodeOutput(c, 'frozen', x, true);
    const predicting = nodeOutput(c, 'frozen', x, false);
    expect(Array.from(training)).toEqual(Array.from(predicting));
    x.dispose();
  });

  it('dropout_is_seeded_changes_every_step_and_is_off_for_prediction', () => {
    const graph = chain([4, 4, 1], [['flat', 'Flatten'], ['drop', 'Dropout', { rate: 0.5 }]]);
    const x = tf.ones([1, 4, 4, 1]);
    const c1 = compile(graph, 5);
    const c2 = compile(graph, 5);
    const first = nodeOutput(c1, 'drop', x, true);
    const second = nodeOutput(c1, 'drop', x, true);
    expect(Array.from(first)).not.toEqual(Array.from(second));
    expect(Array.from(nodeOutput(c2, 'drop', x, true))).toEqual(Array.from(first));
    expect(Array.from(nodeOutput(c1, 'drop', x, false))).toEqual(new Array(16).fill(1));
    x.dispose();
  });
});
