import { int } from './params';
import { defineLayer } from './types';
import { requireMap } from './window';

const side = (label: string, where: string) => int({ label, doc: `Rows or columns of zeros added ${where}.`, default: 1, min: 0, max: 1024 });

export const zeroPadding2dLayer = defineLayer({
  kind: 'ZeroPadding2D',
  version: 1,
  group: 'Convolution',
  label: 'ZeroPadding2D',
  doc:
    'Adds rows and columns of zeros around each feature map, each side on its own (Keras\'s ZeroPadding2D). Keras networks pad ' +
    '(0, 1) before a stride-2 convolution so it sees the image as TensorFlow\'s "same" does; imported models keep their padding here.',
  formula: 'output = (H + top + bottom) x (W + left + right) x C;  parameters = 0',
  params: {
    top: side('Top', 'above'),
    bottom: side('Bottom', 'below'),
    left: side('Left', 'on the left'),
    right: side('Right', 'on the right'),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: false,
  inferShape([input], p) {
    const [h, w, c] = requireMap(input, 'ZeroPadding2D');
    return { shape: [h + p.top + p.bottom, w + p.left + p.right, c] };
  },
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: (p) => (p.top === p.bottom && p.top === p.left && p.top === p.right ? `${p.top}` : `t${p.top} b${p.bottom} l${p.left} r${p.right}`),
});
