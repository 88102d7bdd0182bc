import { defineLayer } from './types';

export const flattenLayer = defineLayer({
  kind: 'Flatten',
  version: 1,
  group: 'Dense',
  label: 'Flatten',
  doc: 'Unrolls a H x W x C feature map into one vector of H·W·C values (row by row, channels fastest), so Dense layers can follow.',
  formula: 'output = H·W·C;  parameters = 0',
  params: {},
  inputs: { min: 1, max: 1 },
  hasWeights: false,
  inferShape([input]) {
    return { shape: [(input ?? []).reduce((p, v) => p * v, 1)] };
  },
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: () => '',
});
