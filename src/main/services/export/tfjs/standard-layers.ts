import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../../shared/errors';
import type { PrimitiveKind } from '../../../../shared/layers';
import type { ActivationName } from '../../../../shared/layers/activations';
import { LEAKY_RELU_DEFAULT_ALPHA } from '../../../../shared/layers/activations';
import type { Padding } from '../../../../shared/layers/params';
import type { FlatNode } from '../../../../shared/shapes/analyze';
import type { NodeWeights, WeightRole, WeightTensor } from '../../../../shared/weights';
import { paddedPool } from './padded-pooling';

/** What a standard-layer builder returns: the node's output and its layers with the weights they take, in order. */
export interface StandardNode {
  output: tf.SymbolicTensor;
  /** Layers that hold weights, each with the roles of its `setWeights` list. */
  weighted: { layer: tf.layers.Layer; roles: WeightRole[] }[];
}

export type StandardBuilder = (node: FlatNode, inputs: tf.SymbolicTensor[], name: string) => StandardNode;

/** tf.layers' activation strings that mean exactly the studio's function (elu with scale 1). */
const NATIVE_ACTIVATIONS = new Set<ActivationName>(['relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'linear']);

function nativeActivation(activation: ActivationName, alpha: number): 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear' | null {
  if (activation === 'elu') return alpha === 1 ? 'elu' : null;
  return NATIVE_ACTIVATIONS.has(activation) ? (activation as 'relu') : null;
}

/**
 * Applies an activation with standalone standard layers. tf.layers' ELU refuses an alpha other than 1,
 * so that one is built as alpha·elu(x) + (1 − alpha)·relu(x), which is x above zero and
 * alpha·(eˣ − 1) below.
 */
function applyActivation(x: tf.SymbolicTensor, name: string, activation: ActivationName, alpha: number): tf.SymbolicTensor {
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(input) as tf.SymbolicTensor;
  switch (activation) {
    case 'leaky-relu':
      return apply(tf.layers.leakyReLU({ name, alpha }), x);
    case 'elu': {
      if (alpha === 1) return apply(tf.layers.elu({ name }), x);
      const elu = apply(tf.layers.rescaling({ name: `${name}/elu_scaled`, scale: alpha }), apply(tf.layers.elu({ name: `${name}/elu` }), x));
      const relu = apply(tf.layers.rescaling({ name: `${name}/relu_scaled`, scale: 1 - alpha }), apply(tf.layers.activation({ name: `${name}/relu`, activation: 'relu' }), x));
      return apply(tf.layers.add({ name }), [elu, relu]);
    }
    case 'softmax':
      return apply(tf.layers.softmax({ name, axis: -1 }), x);
    default:
      return apply(tf.layers.activation({ name, activation }), x);
  }
}

/** Conv2D and Dense take PyTorch's alphas (the engine's `defaultAlpha`). */
function builtInAlpha(activation: ActivationName): number {
  return activation === 'elu' ? 1 : LEAKY_RELU_DEFAULT_ALPHA;
}

/** Applies `main` and, when its activation has no tf.layers string, a separate activation layer after it. */
function withActivation(main: tf.layers.Layer, input: tf.SymbolicTensor, name: string, activation: ActivationName, roles: WeightRole[]): StandardNode {
  const alpha = builtInAlpha(activation);
  const out = main.apply(input) as tf.SymbolicTensor;
  const weighted = [{ layer: main, roles }];
  if (nativeActivation(activation, alpha)) return { output: out, weighted };
  return { output: applyActivation(out, `${name}/${activation}`, activation, alpha), weighted };
}

function single(node: FlatNode, inputs: tf.SymbolicTensor[]): tf.SymbolicTensor {
  if (inputs.length !== 1) throw new Error(`${node.id} (${node.kind}) expects one input, got ${inputs.length}.`);
  return inputs[0]!;
}

function plain(output: tf.SymbolicTensor): StandardNode {
  return { output, weighted: [] };
}

type P = Record<string, unknown>;

/** The input with a numeric padding's zeros added by a ZeroPadding2D (the conv then pads nothing). */
function paddedInput(node: FlatNode, inputs: tf.SymbolicTensor[], name: string, padding: Padding): tf.SymbolicTensor {
  const x = single(node, inputs);
  if (typeof padding !== 'number' || padding === 0) return x;
  return tf.layers.zeroPadding2d({ name: `${name}/pad`, padding: [[padding, padding], [padding, padding]] }).apply(x) as tf.SymbolicTensor;
}

const buildConv2d: StandardBuilder = (node, inputs, name) => {
  const p = node.params as P & { filters: number; kernelSize: number; strides: number; padding: Padding; dilation: number; useBias: boolean; activation: ActivationName };
  const x = paddedInput(node, inputs, name, p.padding);
  const conv = tf.layers.conv2d({
    name,
    filters: p.filters,
    kernelSize: p.kernelSize,
    strides: p.strides,
    padding: p.padding === 'same' ? 'same' : 'valid',
    dilationRate: p.dilation,
    useBias: p.useBias,
    activation: nativeActivation(p.activation, builtInAlpha(p.activation)) ?? 'linear',
  });
  return withActivation(conv, x, name, p.activation, p.useBias ? ['kernel', 'bias'] : ['kernel']);
};

type DepthwiseParams = P & { kernelSize: number; depthMultiplier: number; strides: number; padding: Padding; dilation: number; useBias: boolean; activation: ActivationName };

/**
 * DepthwiseConv2D → tf.layers.depthwiseConv2d, which ignores dilation: a dilated kernel is written as
 * the undilated kernel of its extent with zeros between the taps (`WEIGHT_CONVERSIONS`), which is the
 * same convolution.
 */
const buildDepthwiseConv2d: StandardBuilder = (node, inputs, name) => {
  const p = node.params as DepthwiseParams;
  const conv = tf.layers.depthwiseConv2d({
    name,
    kernelSize: p.dilation * (p.kernelSize - 1) + 1,
    depthMultiplier: p.depthMultiplier,
    strides: p.strides,
    padding: p.padding === 'same' ? 'same' : 'valid',
    useBias: p.useBias,
    activation: nativeActivation(p.activation, builtInAlpha(p.activation)) ?? 'linear',
  });
  return withActivation(conv, paddedInput(node, inputs, name, p.padding), name, p.activation, p.useBias ? ['kernel', 'bias'] : ['kernel']);
};

const buildSeparableConv2d: StandardBuilder = (node, inputs, name) => {
  const p = node.params as DepthwiseParams & { filters: number };
  const conv = tf.layers.separableConv2d({
    name,
    filters: p.filters,
    kernelSize: p.kernelSize,
    depthMultiplier: p.depthMultiplier,
    strides: p.strides,
    padding: p.padding === 'same' ? 'same' : 'valid',
    dilationRate: p.dilation,
    useBias: p.useBias,
    activation: nativeActivation(p.activation, builtInAlpha(p.activation)) ?? 'linear',
  });
  return withActivation(conv, paddedInput(node, inputs, name, p.padding), name, p.activation, p.useBias ? ['depthwiseKernel', 'pointwiseKernel', 'bias'] : ['depthwiseKernel', 'pointwiseKernel']);
};

/** A dilated depthwise kernel `[n, n, C, M]` spread to its extent `[e, e, C, M]`, zeros between the taps. */
function spreadDepthwiseKernel(node: FlatNode, tensor: WeightTensor): WeightTensor {
  const dilation = node.params.dilation as number;
  const [k, , channels, multiplier] = tensor.shape as [number, number, number, number];
  if (dilation === 1) return tensor;
  const extent = dilation * (k - 1) + 1;
  const depth = channels * multiplier;
  const values = new Float32Array(extent * extent * depth);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) values.set(tensor.values.subarray((a * k + b) * depth, (a * k + b + 1) * depth), (a * dilation * extent + b * dilation) * depth);
  }
  return { shape: [extent, extent, channels, multiplier], values };
}

/** Weights whose standard layer holds them in another form than the studio's. */
const WEIGHT_CONVERSIONS: Partial<Record<PrimitiveKind, Partial<Record<WeightRole, (node: FlatNode, tensor: WeightTensor) => WeightTensor>>>> = {
  DepthwiseConv2D: { kernel: spreadDepthwiseKernel },
};

function buildPool(mode: 'max' | 'avg'): StandardBuilder {
  return (node, inputs, name) => {
    const p = node.params as P & { poolSize: number; strides: number; padding: Padding };
    const x = single(node, inputs);
    if (typeof p.padding === 'number' && p.padding > 0) {
      if (p.padding >= p.poolSize) {
        throw new StudioError('invalid-graph', `${node.kind} ${node.id} pads its input by ${p.padding}, which is not less than its ${p.poolSize}x${p.poolSize} window.`, {
          hint: `Set the padding of ${node.id} below ${p.poolSize}.`,
          where: node.id,
        });
      }
      return plain(paddedPool(x, { name, mode, window: p.poolSize, stride: p.strides, pad: p.padding }).output);
    }
    const args = { name, poolSize: p.poolSize, strides: p.strides, padding: p.padding === 'same' ? ('same' as const) : ('valid' as const) };
    return plain((mode === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args)).apply(x) as tf.SymbolicTensor);
  };
}

function buildFullyConnected(node: FlatNode, inputs: tf.SymbolicTensor[], name: string, units: number, activation: ActivationName, useBias: boolean): StandardNode {
  const dense = tf.layers.dense({ name, units, useBias, activation: nativeActivation(activation, builtInAlpha(activation)) ?? 'linear' });
  return withActivation(dense, single(node, inputs), name, activation, useBias ? ['kernel', 'bias'] : ['kernel']);
}

/**
 * One builder per primitive kind, from tf.layers' standard classes only, so that a plain
 * `tf.loadLayersModel` reads the export. The engine's own classes (StudioConv2D for numeric padding and
 * dilated training, StudioPool2D for numeric padding, StudioBatchNorm for frozen training, StudioDropout
 * for seeded masks) differ from these only in training or in padding, which is rebuilt here from
 * ZeroPadding2D, Cropping2D and valid pools; prediction is the same.
 */
export const STANDARD_BUILDERS: Readonly<Record<PrimitiveKind, StandardBuilder>> = {
  Input: (node, _inputs, name) => {
    const [height, width, channels] = node.outputShape as [number, number, number];
    return plain(tf.input({ name, shape: [height, width, channels] }));
  },
  Conv2D: buildConv2d,
  DepthwiseConv2D: buildDepthwiseConv2d,
  SeparableConv2D: buildSeparableConv2d,
  ZeroPadding2D: (node, inputs, name) => {
    const p = node.params as P & { top: number; bottom: number; left: number; right: number };
    return plain(tf.layers.zeroPadding2d({ name, padding: [[p.top, p.bottom], [p.left, p.right]] }).apply(single(node, inputs)) as tf.SymbolicTensor);
  },
  MaxPool2D: buildPool('max'),
  AvgPool2D: buildPool('avg'),
  GlobalAvgPool: (node, inputs, name) => plain(tf.layers.globalAveragePooling2d({ name, dataFormat: 'channelsLast' }).apply(single(node, inputs)) as tf.SymbolicTensor),
  GlobalMaxPool: (node, inputs, name) => plain(tf.layers.globalMaxPooling2d({ name, dataFormat: 'channelsLast' }).apply(single(node, inputs)) as tf.SymbolicTensor),
  Flatten: (node, inputs, name) => plain(tf.layers.flatten({ name }).apply(single(node, inputs)) as tf.SymbolicTensor),
  Dense: (node, inputs, name) => {
    const p = node.params as P & { units: number; activation: ActivationName; useBias: boolean };
    return buildFullyConnected(node, inputs, name, p.units, p.activation, p.useBias);
  },
  Output: (node, inputs, name) => {
    const p = node.params as P & { classes: number; useBias: boolean };
    return buildFullyConnected(node, inputs, name, p.classes, 'softmax', p.useBias);
  },
  Dropout: (node, inputs, name) => plain(tf.layers.dropout({ name, rate: (node.params as P & { rate: number }).rate }).apply(single(node, inputs)) as tf.SymbolicTensor),
  BatchNorm: (node, inputs, name) => {
    const p = node.params as P & { epsilon: number; momentum: number };
    const layer = tf.layers.batchNormalization({ name, axis: -1, epsilon: p.epsilon, momentum: p.momentum });
    return { output: layer.apply(single(node, inputs)) as tf.SymbolicTensor, weighted: [{ layer, roles: ['gamma', 'beta', 'movingMean', 'movingVariance'] }] };
  },
  Activation: (node, inputs, name) => {
    const p = node.params as P & { activation: ActivationName; alpha: number };
    return plain(applyActivation(single(node, inputs), name, p.activation, p.alpha));
  },
  Add: (_node, inputs, name) => plain(tf.layers.add({ name }).apply(inputs) as tf.SymbolicTensor),
  Concatenate: (_node, inputs, name) => plain(tf.layers.concatenate({ name, axis: -1 }).apply(inputs) as tf.SymbolicTensor),
};

/** The weights of a node for one layer's `setWeights`, checked against the layer's own shapes. */
export function layerWeights(node: FlatNode, layer: tf.layers.Layer, roles: WeightRole[], weights: NodeWeights | undefined): tf.Tensor[] {
  return roles.map((role, i) => {
    const expected = layer.weights[i]!.shape as number[];
    const stored = weights?.[role];
    const convert = WEIGHT_CONVERSIONS[node.kind]?.[role];
    const tensor = stored && convert ? convert(node, stored) : stored;
    const shape = `[${expected.join(', ')}]`;
    if (!tensor) {
      throw new StudioError('run-invalid', `The weights hold no ${role} for layer ${node.id} (expected ${shape}).`, {
        hint: 'The weights belong to another network: export the run that trained this graph.',
        where: `${node.id}/${role}`,
      });
    }
    if (tensor.shape.length !== expected.length || tensor.shape.some((d, k) => d !== expected[k])) {
      throw new StudioError('run-invalid', `The weights give layer ${node.id} a ${role} of shape [${tensor.shape.join(', ')}], but the layer needs ${shape}.`, {
        hint: 'The layer was changed after these weights were trained: undo the change, or train again.',
        where: `${node.id}/${role}`,
      });
    }
    return tf.tensor(tensor.values, expected, 'float32');
  });
}
