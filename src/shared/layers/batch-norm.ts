import { bool, float } from './params';
import { defineLayer } from './types';

export const batchNormLayer = defineLayer({
  kind: 'BatchNorm',
  version: 1,
  group: 'Normalisation & Regularisation',
  label: 'BatchNorm',
  doc:
    'Normalises each channel to zero mean and unit variance over the batch, then scales (γ) and shifts (β) it. ' +
    'Keeps running averages of mean and variance for prediction; those are not learned by gradient, so they count as non-trainable.',
  formula: 'parameters = 2·C trainable (γ, β) + 2·C non-trainable (running mean, running variance)',
  params: {
    epsilon: float({ label: 'Epsilon', doc: 'Added to the variance to avoid dividing by zero.', default: 1e-5, min: 1e-12, max: 1, advanced: true }),
    momentum: float({
      label: 'Momentum',
      doc: 'How much of the running averages is kept at each batch (0.9 keeps 90%, as PyTorch does by default).',
      default: 0.9,
      min: 0,
      max: 1,
      maxExclusive: true,
      advanced: true,
    }),
    trainable: bool({ label: 'Trainable', doc: 'Off: γ and β stay as they are, and the running statistics are used in training too.', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  inferShape: ([input]) => ({ shape: input ?? [] }),
  countParams([input]) {
    const channels = input?.[input.length - 1] ?? 0;
    return { trainable: 2 * channels, nonTrainable: 2 * channels };
  },
  summarize: () => '',
});
