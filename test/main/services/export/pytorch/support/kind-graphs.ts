import type { GraphEdge, GraphNode, ModelGraph } from '../../../../../../src/shared/graph/model-graph';

/** A graph from `[id, kind, params, inputs]` rows (inputs in edge order). */
export function graphOf(rows: [id: string, kind: string, params: Record<string, unknown>, inputs: string[]][]): ModelGraph {
  const nodes: GraphNode[] = rows.map(([id, kind, params]) => ({ id, kind, params }));
  const edges: GraphEdge[] = rows.flatMap(([id, , , inputs]) => inputs.map((from) => ({ from, to: id })));
  return { nodes, edges };
}

/**
 * Every primitive kind, with each way the emitters write padding: an odd `same` (explicit F.pad),
 * dilation, pools padded past half their window (explicit -inf pad, the real-cells average), equal
 * pads inside nn.MaxPool2d / nn.AvgPool2d, frozen BatchNorm on a map, BatchNorm on a vector, softmax
 * over channels, flatten of a map and of a vector, merges of maps and of vectors, depthwise and separable
 * convolutions (an odd `same`, a multiplier, dilation), ZeroPadding2D and relu6. Odd sizes on purpose.
 */
export function everyKindGraph(): ModelGraph {
  return graphOf([
    ['input', 'Input', { height: 13, width: 12, channels: 3 }, []],
    ['conv-same', 'Conv2D', { filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'leaky-relu' }, ['input']],
    ['bn_frozen', 'BatchNorm', { trainable: false, momentum: 0.8, epsilon: 0.001 }, ['conv-same']],
    ['max_pad2', 'MaxPool2D', { poolSize: 3, strides: 1, padding: 2 }, ['bn_frozen']],
    ['avg_same', 'AvgPool2D', { poolSize: 2, strides: 1, padding: 'same' }, ['max_pad2']],
    ['conv_dil', 'Conv2D', { filters: 6, kernelSize: 3, dilation: 2, padding: 2, activation: 'elu', useBias: false }, ['avg_same']],
    ['soft', 'Activation', { activation: 'softmax' }, ['conv_dil']],
    ['branch', 'Conv2D', { filters: 6, kernelSize: 1, activation: 'sigmoid' }, ['avg_same']],
    ['sum', 'Add', {}, ['soft', 'branch', 'avg_same']],
    ['avg_sym', 'AvgPool2D', { poolSize: 3, strides: 1, padding: 1 }, ['sum']],
    ['max_mod', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 }, ['sum']],
    ['max_same', 'MaxPool2D', { poolSize: 2, strides: 2, padding: 'same' }, ['sum']],
    ['avg_s2', 'AvgPool2D', { poolSize: 3, strides: 2, padding: 1 }, ['avg_sym']],
    ['cat_maps', 'Concatenate', {}, ['avg_s2', 'max_same', 'max_mod']],
    ['gmax', 'GlobalMaxPool', {}, ['cat_maps']],
    ['gavg', 'GlobalAvgPool', {}, ['sum']],
    ['flat_map', 'Flatten', {}, ['cat_maps']],
    ['dense_map', 'Dense', { units: 7, activation: 'tanh' }, ['flat_map']],
    ['zero_pad', 'ZeroPadding2D', { top: 1, bottom: 0, left: 0, right: 2 }, ['avg_same']],
    ['depthwise', 'DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }, ['zero_pad']],
    ['separable', 'SeparableConv2D', { filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 1, activation: 'leaky-relu' }, ['depthwise']],
    ['dw_dilated', 'DepthwiseConv2D', { kernelSize: 2, dilation: 2, padding: 'same', useBias: false, trainable: false }, ['separable']],
    ['six', 'Activation', { activation: 'relu6' }, ['dw_dilated']],
    ['gsep', 'GlobalAvgPool', {}, ['six']],
    ['cat_vec', 'Concatenate', {}, ['gmax', 'gavg', 'dense_map', 'gsep']],
    ['bn_vec', 'BatchNorm', {}, ['cat_vec']],
    ['act_elu', 'Activation', { activation: 'elu', alpha: 0.5 }, ['bn_vec']],
    ['act_leaky', 'Activation', { activation: 'leaky-relu', alpha: 0.2 }, ['act_elu']],
    ['drop', 'Dropout', { rate: 0.3 }, ['act_leaky']],
    ['flat_vec', 'Flatten', {}, ['drop']],
    ['dense', 'Dense', { units: 9, activation: 'relu', trainable: false }, ['flat_vec']],
    ['output', 'Output', { classes: 4 }, ['dense']],
  ]);
}

/** Fixed filters (presets and typed values) and a Python keyword as a node id. */
export function fixedFilterGraph(): ModelGraph {
  return graphOf([
    ['input', 'Input', { height: 8, width: 8, channels: 3 }, []],
    ['edges', 'Conv2D', { filters: 2, kernelSize: 3, filterPreset: ['sobel-vertical', 'sobel-horizontal'], activation: 'linear' }, ['input']],
    ['lambda', 'Conv2D', { filters: 1, kernelSize: 1, filterValues: [[[[0.5]], [[-1]]]], activation: 'relu' }, ['edges']],
    ['flatten', 'Flatten', {}, ['lambda']],
    ['output', 'Output', { classes: 3 }, ['flatten']],
  ]);
}
