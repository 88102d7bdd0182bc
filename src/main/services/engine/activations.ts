import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from '../../../shared/layers/activations';
import { LEAKY_RELU_DEFAULT_ALPHA } from '../../../shared/layers/activations';

/**
 * The slope (leaky-relu) or scale (elu) below zero that Conv2D and Dense use: they have no alpha
 * parameter, so they take PyTorch's defaults (0.01 for leaky-relu, 1 for elu).
 */
export function defaultAlpha(activation: ActivationName): number {
  return activation === 'elu' ? 1 : LEAKY_RELU_DEFAULT_ALPHA;
}

/** Activations that keep positives as they are: their layers start with He initialisation, the others with Glorot. */
export function isReluLike(activation: ActivationName): boolean {
  return activation === 'relu' || activation === 'relu6' || activation === 'leaky-relu' || activation === 'elu';
}

/** Applies an activation to a tensor; softmax runs over the last axis (the channels or units). */
export function applyActivation(x: tf.Tensor, activation: ActivationName, alpha: number): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'leaky-relu':
      return tf.leakyRelu(x, alpha);
    case 'elu':
      // tf.elu has alpha 1; another scale needs the formula (gradient through where/exp is exact).
      return alpha === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.expm1(x)));
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x, -1);
    case 'linear':
      return x;
  }
}

/** TF.js's fused-kernel name for an activation, or null when it must run as its own op. */
export function fusedActivation(activation: ActivationName, alpha: number): 'relu' | 'relu6' | 'leakyrelu' | 'elu' | 'sigmoid' | 'linear' | null {
  switch (activation) {
    case 'relu':
      return 'relu';
    case 'relu6':
      return 'relu6';
    case 'leaky-relu':
      return 'leakyrelu';
    case 'elu':
      return alpha === 1 ? 'elu' : null;
    case 'sigmoid':
      return 'sigmoid';
    case 'linear':
      return 'linear';
    default:
      return null;
  }
}
