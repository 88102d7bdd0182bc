import { describe, expect, it } from 'vitest';
import { explainNode } from '../../../src/shared/insight/node-explainer';
import { explainConvParameters } from '../../../src/shared/insight/parameter-count';
import { conv2dLayer } from '../../../src/shared/layers/conv2d';
import { parseParams } from '../../../src/shared/layers/parse-params';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../src/shared/templates';
import { chain } from '../../support/graph-fixtures';

function flatNode(graph: ReturnType<typeof chain>, id: string) {
  const flat = analyzeGraph(graph).flat;
  if (!flat) throw new Error('invalid test graph');
  const node = flat.nodes.find((n) => n.id === id)!;
  return { id: node.id, kind: node.kind, params: node.params, inputShape: node.inputShapes[0]! };
}

describe('parameter count (n·n·C + 1)·N', () => {
  it.each([
    // LeNet-5's C1 and C3, AlexNet's conv1, VGG's 3x3x512x512, a bias-free ResNet conv.
    { name: 'lenet_c1', kernel: 5, channels: 1, filters: 6, useBias: true, total: 156, text: '(5·5·1 + 1)·6 = 26·6 = 156' },
    { name: 'lenet_c3', kernel: 5, channels: 6, filters: 16, useBias: true, total: 2416, text: '(5·5·6 + 1)·16 = 151·16 = 2416' },
    { name: 'alexnet_conv1', kernel: 11, channels: 3, filters: 96, useBias: true, total: 34944, text: '(11·11·3 + 1)·96 = 364·96 = 34944' },
    { name: 'vgg_conv5', kernel: 3, channels: 512, filters: 512, useBias: true, total: 2359808, text: '(3·3·512 + 1)·512 = 4609·512 = 2359808' },
    { name: 'resnet_no_bias', kernel: 3, channels: 64, filters: 64, useBias: false, total: 36864, text: '3·3·64·64 = 36864' },
  ])('$name', (c) => {
    const e = explainConvParameters(c);
    expect(e.total).toBe(c.total);
    expect(e.text).toBe(c.text);
    // The same count as the layer declaration's own rule.
    const parsed = parseParams(conv2dLayer, { kernelSize: c.kernel, filters: c.filters, useBias: c.useBias });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(conv2dLayer.countParams([[8, 8, c.channels]], parsed.value as never, [8, 8, c.filters]).trainable).toBe(c.total);
  });
});

describe('explaining the user\'s own node', () => {
  it('lenet_c1_uses_its_numbers_and_the_lecture_image', () => {
    const lenet = buildTemplate('lenet5', { input: { height: 32, width: 32, channels: 1 }, classes: 10 });
    const c1 = analyzeGraph(lenet).flat!.nodes.find((n) => n.kind === 'Conv2D')!;
    const e = explainNode({ id: c1.id, kind: c1.kind, params: c1.params, inputShape: c1.inputShapes[0]! });
    if (e.kind !== 'convolution') throw new Error('expected a convolution');
    expect(e.size.rows.text).toBe('(32 − 5 + 0) / 1 + 1 = 27 + 1 = 28');
    expect(e.parameters.text).toBe('(5·5·1 + 1)·6 = 26·6 = 156');
    expect(e.example).toMatchObject({ input: 'lecture', filters: 'generated' });
    // The 5x5 window on the 6x6 image: (6 − 5)/1 + 1 = 2.
    expect(e.forward.size.rows.out).toBe(2);
    expect(e.forward.filters[0]![0]![0]).toEqual([1, -1, -1, -1, -1]);
  });

  it('a_3x3_stride_2_node_steps_through_the_lecture_example', () => {
    const graph = chain([12, 12, 3], [['conv', 'Conv2D', { filters: 16, kernelSize: 3, strides: 2 }], ['flat', 'Flatten']]);
    const e = explainNode(flatNode(graph, 'conv'));
    if (e.kind !== 'convolution') throw new Error('expected a convolution');
    expect(e.size.rows.text).toBe('⌊(12 − 3 + 0) / 2⌋ + 1 = ⌊4.5⌋ + 1 = 5');
    expect(e.parameters.total).toBe((3 * 3 * 3 + 1) * 16);
    expect(e.example).toMatchObject({ input: 'lecture', filters: 'lecture' });
    expect(e.forward.output).toEqual([
      [
        [3, -3],
        [-3, 0],
      ],
      [
        [-1, -1],
        [-1, -2],
      ],
    ]);
    expect(e.backward.kernelGradient).toHaveLength(2);
  });

  it('preset_filters_are_the_example_filters', () => {
    const graph = chain([28, 28, 1], [['edges', 'Conv2D', { filters: 2, kernelSize: 3, filterPreset: ['sobel-vertical', 'sobel-horizontal'], padding: 'same' }], ['flat', 'Flatten']]);
    const e = explainNode(flatNode(graph, 'edges'));
    expect(e.example.filters).toBe('fixed');
    expect(e.forward.kind === 'convolution' && e.forward.filters[1]![0]).toEqual([
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ]);
    expect(e.size.rows.paddingNote).toContain('1 on each side');
  });

  it('pooling_nodes_pool_the_lecture_maps_and_overlap', () => {
    const graph = chain([13, 13, 8], [['pool', 'MaxPool2D', { poolSize: 3, strides: 2 }], ['flat', 'Flatten']]);
    const e = explainNode(flatNode(graph, 'pool'));
    if (e.kind !== 'pooling') throw new Error('expected pooling');
    expect(e.parameters.total).toBe(0);
    expect(e.size.rows.text).toBe('(13 − 3 + 0) / 2 + 1 = 5 + 1 = 6');
    expect(e.example.input).toBe('lecture-maps');
    expect(e.forward.overlapping).toBe(true);
    expect(e.example.note).toContain('the windows overlap');
    // 3x3 stride 2 over the 4x4 maps: one window at (0, 0) (4 − 3 = 1 is not divisible by 2); map 2's top-left 3x3 is all −1 and −2.
    expect(e.forward.output).toEqual([[[3]], [[-1]]]);
  });

  it('given_input_and_filters_are_used', () => {
    const graph = chain([28, 28, 1], [['conv', 'Conv2D', { filters: 1, kernelSize: 2 }], ['flat', 'Flatten']]);
    const e = explainNode(flatNode(graph, 'conv'), { input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], filters: [[[[1, 2], [3, 4]]]], bias: [1] });
    expect(e.example.input).toBe('given');
    expect(e.forward.output).toEqual([
      [
        [38, 48],
        [68, 78],
      ],
    ]);
  });

  it('other_kinds_are_refused_with_a_sentence', () => {
    const graph = chain([28, 28, 1], [['flat', 'Flatten'], ['dense', 'Dense', { units: 4 }]]);
    expect(() => explainNode(flatNode(graph, 'dense'))).toThrow('Layer dense is a Dense; the explainer steps through Conv2D, MaxPool2D and AvgPool2D layers.');
  });
});
