import { ACTIVATIONS } from './activations';
import { bool, int, oneOf } from './params';
import { defineLayer } from './types';
import { requireVector } from './window';

export const denseLayer = defineLayer({
  kind: 'Dense',
  version: 1,
  group: 'Dense',
  label: 'Dense',
  doc: 'A fully-connected layer: every output unit sees every input value.',
  formula: 'parameters = (inputs + 1)·units',
  params: {
    units: int({ label: 'Units', doc: 'Number of output values.', default: 128, min: 1, max: 65536 }),
    activation: oneOf({ label: 'Activation', doc: 'Function applied to every output value.', options: ACTIVATIONS, default: 'relu' }),
    useBias: bool({ label: 'Bias', doc: 'Add one learned constant per unit.', default: true, advanced: true }),
    trainable: bool({ label: 'Trainable', doc: 'Off: the weights stay as they are during training (frozen).', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  inferShape([input], p) {
    requireVector(input, 'Dense');
    return { shape: [p.units] };
  },
  countParams([input], p) {
    return { trainable: (input?.[0] ?? 0) * p.units + (p.useBias ? p.units : 0), nonTrainable: 0 };
  },
  summarize: (p) => `${p.units}${p.activation === 'linear' ? '' : ` ${p.activation}`}`,
});
