import type { activationLayer } from '../../../../../shared/layers/activation';
import type { ActivationName } from '../../../../../shared/layers/activations';
import { LEAKY_RELU_DEFAULT_ALPHA } from '../../../../../shared/layers/activations';
import type { ParamsOf } from '../../../../../shared/layers/params';
import type { Dim, OnnxGraphBuilder } from '../graph-builder';
import { onnxDims } from '../graph-builder';
import type { OnnxEmitter } from './emitter';
import { onlyInput, paramsOf } from './emitter';

type ActivationParams = ParamsOf<typeof activationLayer.params>;

/**
 * The slope (leaky-relu) or scale (elu) below zero of Conv2D and Dense, which have no alpha parameter:
 * PyTorch's defaults, as the engine's builders use them (src/main/services/engine/activations.ts).
 */
export function builtInAlpha(activation: ActivationName): number {
  return activation === 'elu' ? 1 : LEAKY_RELU_DEFAULT_ALPHA;
}

/**
 * Applies one of the studio's activations to `input` (NCHW map or `[batch, n]` vector). Softmax runs
 * over the channels (axis 1), the axis TF.js normalises (its last). `linear` adds nothing.
 */
export function emitActivation(graph: OnnxGraphBuilder, input: string, activation: ActivationName, alpha: number, names: { name: string; output: string }, dims: Dim[]): string {
  const options = { ...names, dims };
  switch (activation) {
    case 'linear':
      return input;
    case 'relu':
      return graph.addNode('Relu', [input], options);
    case 'relu6': {
      // Clip's bounds are inputs from opset 11 (the lowest the studio writes), scalars of the data's type.
      const min = graph.addFloatInitializer(`${names.name}/min`, [], Float32Array.of(0));
      const max = graph.addFloatInitializer(`${names.name}/max`, [], Float32Array.of(6));
      return graph.addNode('Clip', [input, min, max], options);
    }
    case 'leaky-relu':
      return graph.addNode('LeakyRelu', [input], { ...options, attributes: { alpha } });
    case 'elu':
      return graph.addNode('Elu', [input], { ...options, attributes: { alpha } });
    case 'sigmoid':
      return graph.addNode('Sigmoid', [input], options);
    case 'tanh':
      return graph.addNode('Tanh', [input], options);
    case 'softmax':
      return graph.softmax(input, 1, options);
  }
}

/** Activation: the function on its own; alpha is leaky-relu's slope and elu's scale. */
export const emitActivationLayer: OnnxEmitter = (context) => {
  const p = paramsOf<ActivationParams>(context);
  const { id, outputShape } = context.node;
  return emitActivation(context.graph, onlyInput(context), p.activation, p.alpha, { name: id, output: id }, onnxDims(outputShape));
};
