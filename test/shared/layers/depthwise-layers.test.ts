import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { chain, single } from '../../support/graph-fixtures';

// Parameter counts as torch.nn.Conv2d(C, C·M, n, groups=C) counts them (n·n·M per channel, C·M biases)
// and as Keras's SeparableConv2D does (n·n·C·M + C·M·N + N); shapes by out = floor((H − n + P) / s) + 1.
describe('DepthwiseConv2D', () => {
  const cases: [name: string, input: [number, number, number], params: Record<string, unknown>, shape: number[], count: number][] = [
    ['mobilenet_3x3_stride1', [112, 112, 32], { kernelSize: 3, padding: 1, useBias: false }, [112, 112, 32], 288],
    ['mobilenet_3x3_stride2', [112, 112, 96], { kernelSize: 3, strides: 2, padding: 1, useBias: false }, [56, 56, 96], 864],
    ['multiplier_2_with_bias', [10, 10, 3], { kernelSize: 3, depthMultiplier: 2 }, [8, 8, 6], 3 * 2 * 9 + 6],
    ['same_stride2_odd', [7, 7, 4], { kernelSize: 3, strides: 2, padding: 'same' }, [4, 4, 4], 36 + 4],
    ['dilation_2', [10, 10, 1], { kernelSize: 3, dilation: 2 }, [6, 6, 1], 10],
  ];
  for (const [name, input, params, shape, count] of cases) {
    it(name, () => {
      const r = single(input, 'DepthwiseConv2D', params);
      expect(r.shape).toEqual(shape);
      expect(r.params).toBe(count);
    });
  }
  it('frozen_counts_as_non_trainable', () => expect(single([8, 8, 4], 'DepthwiseConv2D', { trainable: false })).toMatchObject({ params: 40, trainable: 0 }));
  it('stride_and_dilation_together_are_refused', () => {
    expect(single([16, 16, 1], 'DepthwiseConv2D', { strides: 2, dilation: 2 }).messages[0]).toMatch(/stride of 2 cannot be combined with a dilation of 2/);
  });
  it('needs_a_feature_map', () => {
    const a = analyzeGraph(chain([4, 4, 1], [['flat', 'Flatten'], ['dw', 'DepthwiseConv2D']], { noOutput: true }));
    expect(a.nodes.find((n) => n.id === 'dw')!.issues[0]!.message).toContain('DepthwiseConv2D needs a feature map');
  });
});

describe('SeparableConv2D', () => {
  it('keras_xception_entry_block', () => {
    // Keras Xception's block2_sepconv1 on 147x147x64: SeparableConv2D(128, 3, padding="same", use_bias=False) = 8,768 weights.
    expect(single([147, 147, 64], 'SeparableConv2D', { filters: 128, kernelSize: 3, padding: 'same', useBias: false })).toMatchObject({ shape: [147, 147, 128], params: 8768 });
  });
  it('multiplier_and_bias', () => {
    expect(single([9, 9, 3], 'SeparableConv2D', { filters: 5, kernelSize: 3, depthMultiplier: 2, strides: 2 })).toMatchObject({ shape: [4, 4, 5], params: 9 * 6 + 6 * 5 + 5 });
  });
});

describe('ZeroPadding2D', () => {
  it('keras_asymmetric_padding_before_a_stride_2_convolution', () => {
    expect(single([224, 224, 3], 'ZeroPadding2D', { top: 0, bottom: 1, left: 0, right: 1 })).toMatchObject({ shape: [225, 225, 3], params: 0 });
  });
  it('defaults_to_one_on_every_side', () => expect(single([5, 7, 1], 'ZeroPadding2D').shape).toEqual([7, 9, 1]));
});

describe('InvertedResidual', () => {
  it('torchvision_block_with_skip', () => {
    // mobilenet_v2().features[2..3]: 24 → 144 → 24 channels, stride 1: 1x1 3,456 + 3x3 depthwise 1,296 + 1x1 3,456, BatchNorms 2·(144 + 144 + 24).
    const r = single([56, 56, 24], 'InvertedResidual', { expansion: 6, filters: 24 });
    expect(r.shape).toEqual([56, 56, 24]);
    expect(r.trainable).toBe(3456 + 1296 + 3456 + 2 * (144 + 144 + 24));
    expect(r.params - r.trainable).toBe(2 * (144 + 144 + 24));
    const flat = analyzeGraph(chain([56, 56, 24], [['b', 'InvertedResidual', { expansion: 6, filters: 24 }], ['gap', 'GlobalAvgPool']])).flat!;
    expect(flat.nodes.filter((n) => n.owner === 'b').map((n) => n.id)).toEqual([
      'b.expand', 'b.expand_bn', 'b.expand_relu6', 'b.depthwise', 'b.depthwise_bn', 'b.depthwise_relu6', 'b.project', 'b.project_bn', 'b.add',
    ]);
    expect(flat.nodes.find((n) => n.id === 'b.add')!.inputs).toEqual(['b.project_bn', 'widen']);
  });
  it('stride_2_or_new_channels_has_no_skip', () => {
    const strided = analyzeGraph(chain([56, 56, 24], [['b', 'InvertedResidual', { filters: 32, strides: 2 }], ['gap', 'GlobalAvgPool']])).flat!;
    expect(strided.nodes.find((n) => n.id === 'b.depthwise')!.outputShape).toEqual([28, 28, 144]);
    expect(strided.nodes.some((n) => n.kind === 'Add')).toBe(false);
  });
  it('expansion_1_has_no_expand_convolution', () => {
    // mobilenet_v2().features[1]: depthwise 3x3 on 32 channels (288) + 1x1 32 → 16 (512), BatchNorms 2·(32 + 16).
    const r = single([112, 112, 32], 'InvertedResidual', { expansion: 1, filters: 16 });
    expect(r.trainable).toBe(288 + 512 + 2 * 48);
  });
  it('frozen_block_is_all_non_trainable', () => expect(single([8, 8, 8], 'InvertedResidual', { filters: 8, trainable: false }).trainable).toBe(0));
});
