import { bool, int, oneOf } from './params';
import { defineLayer } from './types';
import { requireVector } from './window';

export const OUTPUT_LOSSES = ['softmax-cross-entropy', 'mean-squared-error'] as const;
export type OutputLoss = (typeof OUTPUT_LOSSES)[number];

export const outputLayer = defineLayer({
  kind: 'Output',
  version: 1,
  group: 'Output',
  label: 'Output',
  doc:
    'The classifier: a fully-connected layer with one unit per class followed by softmax, so the network returns one probability per class. ' +
    'The loss compares those probabilities with the true class.',
  formula: 'parameters = (inputs + 1)·classes',
  params: {
    classes: int({ label: 'Classes', doc: 'Number of classes (one sub-folder of the dataset each).', default: 10, min: 2, max: 100000 }),
    loss: oneOf({
      label: 'Loss',
      doc: 'softmax-cross-entropy for classification (the usual choice); mean-squared-error compares the probabilities with the one-hot target.',
      options: OUTPUT_LOSSES,
      default: 'softmax-cross-entropy',
    }),
    useBias: bool({ label: 'Bias', doc: 'Add one learned constant per class.', default: true, advanced: true }),
    trainable: bool({ label: 'Trainable', doc: 'Off: the weights stay as they are during training (frozen).', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  inferShape([input], p) {
    requireVector(input, 'Output');
    return { shape: [p.classes] };
  },
  countParams([input], p) {
    return { trainable: (input?.[0] ?? 0) * p.classes + (p.useBias ? p.classes : 0), nonTrainable: 0 };
  },
  summarize: (p) => `${p.classes} classes${p.loss === 'mean-squared-error' ? ' mse' : ''}`,
});
