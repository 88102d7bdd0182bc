import type * as tf from '@tensorflow/tfjs';
import type { Padding } from '../../../../shared/layers/params';

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
