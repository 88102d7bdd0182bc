import { ACTIVATIONS, LEAKY_RELU_DEFAULT_ALPHA } from './activations';
import { float, oneOf } from './params';
import { defineLayer } from './types';

export const activationLayer = defineLayer({
  kind: 'Activation',
  version: 1,
  group: 'Convolution',
  label: 'Activation',
  doc: 'Applies a function to every value: relu keeps positives, sigmoid and tanh squash, softmax turns a vector into probabilities.',
  formula: 'output shape = input shape;  parameters = 0',
  params: {
    activation: oneOf({ label: 'Function', doc: 'The function applied to every value.', options: ACTIVATIONS, default: 'relu' }),
    alpha: float({
      label: 'Alpha',
      doc: 'Slope below zero for leaky-relu (usually 0.01); scale below zero for elu (usually 1). The inspector switches between those defaults when you change the function.',
      default: LEAKY_RELU_DEFAULT_ALPHA,
      min: 0,
      max: 10,
      advanced: true,
    }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: false,
  inferShape: ([input]) => ({ shape: input ?? [] }),
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: (p) => p.activation,
});
