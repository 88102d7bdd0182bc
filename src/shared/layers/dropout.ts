import { float } from './params';
import { defineLayer } from './types';

export const dropoutLayer = defineLayer({
  kind: 'Dropout',
  version: 1,
  group: 'Normalisation & Regularisation',
  label: 'Dropout',
  doc: 'During training, sets a random fraction of the values to zero (and scales the rest up) so the network cannot rely on any one of them. Does nothing at prediction time.',
  formula: 'output shape = input shape;  parameters = 0',
  params: {
    rate: float({ label: 'Rate', doc: 'Fraction of values dropped during training.', default: 0.5, min: 0, max: 1, maxExclusive: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: false,
  inferShape: ([input]) => ({ shape: input ?? [] }),
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: (p) => `${p.rate}`,
});
