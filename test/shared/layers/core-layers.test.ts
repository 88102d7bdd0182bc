import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { chain, nodeResult, single } from '../../support/graph-fixtures';

// Counts by hand: Dense (inputs + 1)·units; BatchNorm 2C trainable + 2C non-trainable (PyTorch's
// parameters() vs buffers()); Flatten H·W·C.
describe('Input', () => {
  it('gives_its_size', () => expect(nodeResult(analyzeGraph(chain([28, 28, 1], [], { noOutput: true })), 'input').shape).toEqual([28, 28, 1]));
  it('refuses_two_channels', () => {
    const a = analyzeGraph({ nodes: [{ id: 'input', kind: 'Input', params: { height: 8, width: 8, channels: 2 } }], edges: [] });
    expect(nodeResult(a, 'input').messages[0]).toContain('1 channel (grey) or 3 (colour), not 2');
  });
});

describe('Flatten', () => {
  it('unrolls_a_map', () => expect(single([5, 5, 16], 'Flatten').shape).toEqual([400]));
  it('keeps_a_vector', () => {
    const a = analyzeGraph(chain([2, 3, 4], [['f1', 'Flatten'], ['f2', 'Flatten']], { noOutput: true }));
    expect(nodeResult(a, 'f2').shape).toEqual([24]);
  });
});

describe('Dense', () => {
  it('counts_weights_and_biases', () => {
    const a = analyzeGraph(chain([5, 5, 16], [['flat', 'Flatten'], ['fc', 'Dense', { units: 120 }]], { noOutput: true }));
    expect(nodeResult(a, 'fc')).toMatchObject({ shape: [120], params: 48120 });
  });
  it('without_bias', () => {
    const a = analyzeGraph(chain([1, 1, 10], [['flat', 'Flatten'], ['fc', 'Dense', { units: 5, useBias: false }]], { noOutput: true }));
    expect(nodeResult(a, 'fc').params).toBe(50);
  });
  it('on_a_4d_tensor_without_flatten_is_an_error_with_the_fix', () => {
    const r = single([7, 7, 512], 'Dense', { units: 4096 });
    expect(r.shape).toBeNull();
    expect(r.messages[0]).toContain('Dense needs a vector but receives a 7x7x512 feature map');
    expect(r.messages[0]).toContain('Add a Flatten or GlobalAvgPool layer before it');
  });
  it('frozen_weights_count_as_non_trainable', () => {
    const a = analyzeGraph(chain([1, 1, 10], [['flat', 'Flatten'], ['fc', 'Dense', { units: 5, trainable: false }]], { noOutput: true }));
    expect(nodeResult(a, 'fc')).toMatchObject({ params: 55, trainable: 0 });
  });
});

describe('Output', () => {
  it('is_a_dense_softmax_over_the_classes', () => {
    const a = analyzeGraph(chain([1, 1, 84], [['flat', 'Flatten']], { classes: 10 }));
    expect(nodeResult(a, 'output')).toMatchObject({ shape: [10], params: 850 });
  });
  it('needs_a_vector', () => {
    const a = analyzeGraph(chain([4, 4, 3], [], { classes: 2 }));
    expect(nodeResult(a, 'output').messages[0]).toContain('Output needs a vector but receives a 4x4x3 feature map');
  });
});

describe('Dropout, Activation, BatchNorm', () => {
  it('dropout_keeps_the_shape', () => expect(single([4, 4, 3], 'Dropout', { rate: 0.3 })).toMatchObject({ shape: [4, 4, 3], params: 0 }));
  it('dropout_rate_of_one_is_refused', () => expect(single([4, 4, 3], 'Dropout', { rate: 1 }).messages[0]).toContain('rate must be less than 1'));
  it('activation_keeps_the_shape', () => expect(single([4, 4, 3], 'Activation', { activation: 'tanh' })).toMatchObject({ shape: [4, 4, 3], params: 0 }));
  it('activation_must_be_known', () => expect(single([4, 4, 3], 'Activation', { activation: 'swish' }).messages[0]).toContain('activation must be one of relu, relu6, leaky-relu'));
  it('batchnorm_counts_gamma_beta_and_running_statistics', () => {
    expect(single([8, 8, 64], 'BatchNorm')).toMatchObject({ shape: [8, 8, 64], params: 256, trainable: 128 });
  });
  it('frozen_batchnorm_is_all_non_trainable', () => {
    expect(single([8, 8, 64], 'BatchNorm', { trainable: false })).toMatchObject({ params: 256, trainable: 0 });
  });
});
