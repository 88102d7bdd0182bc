import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from '../../../../shared/layers/activations';
import type { Padding } from '../../../../shared/layers/params';
import type { WindowSpec } from '../../../../shared/layers/window';
import { windowAxis } from '../../../../shared/layers/window';
import { applyActivation } from '../activations';

/** The constructor arguments every TF.js layer takes (name, trainable, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** A TF.js shape, `null` for the batch. */
export type LayerShape = (number | null)[];

/** TF.js's keyword arguments to `call` (`training`). */
export type CallKwargs = Record<string, unknown>;

export type WeightInitializer = ReturnType<typeof tf.initializers.zeros>;

/** The single tensor of a layer's inputs (our layers take exactly one). */
export function singleInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`Expected one input tensor, got ${inputs.length}.`);
    return inputs[0]!;
  }
  return inputs;
}

/** The single shape of a layer's input shapes. */
export function singleShape(shape: LayerShape | LayerShape[]): LayerShape {
  if (Array.isArray(shape[0])) {
    const shapes = shape as LayerShape[];
    if (shapes.length !== 1) throw new Error(`Expected one input shape, got ${shapes.length}.`);
    return shapes[0]!;
  }
  return shape as LayerShape;
}

/** True when `call` runs for training (the caller passed `{ training: true }`). */
export function isTraining(kwargs: CallKwargs | undefined): boolean {
  return kwargs?.['training'] === true;
}

/** TF.js's explicit padding: [before, after] for batch, rows, columns, channels. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** The studio's padding as TF.js ops take it: a number of zeros becomes explicit padding. */
export function tfPadding(padding: Padding): 'valid' | 'same' | ExplicitPadding {
  return typeof padding === 'number' ? [[0, 0], [padding, padding], [padding, padding], [0, 0]] : padding;
}

/**
 * The output shape of a sliding-window layer (convolutions, pooling) with `channels` output channels
 * (`null` when unknown); `what` names the window in the error ("kernel", "pooling window").
 */
export function windowedOutputShape(layer: string, inputShape: LayerShape | LayerShape[], spec: WindowSpec, channels: number | null, what = 'kernel'): LayerShape {
  const [batch, h, w] = singleShape(inputShape);
  const rows = windowAxis(h as number, spec);
  const cols = windowAxis(w as number, spec);
  if (!rows || !cols) throw new Error(`${layer}: the ${what} does not fit the ${h}x${w} input.`);
  return [batch ?? null, rows.out, cols.out, channels];
}

/** A convolution's unfused ending: the bias (when it has one), then the activation. */
export function biasThenActivation(y: tf.Tensor, bias: tf.Tensor | undefined, activation: ActivationName, alpha: number): tf.Tensor {
  return applyActivation(bias ? tf.add(y, bias) : y, activation, alpha);
}
