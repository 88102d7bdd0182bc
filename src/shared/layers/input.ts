import { int } from './params';
import { ShapeError, defineLayer } from './types';

export const inputLayer = defineLayer({
  kind: 'Input',
  version: 1,
  group: 'Input',
  label: 'Input',
  doc: 'The image entering the network: every image is resized to height x width and converted to grey (1 channel) or colour (3 channels).',
  formula: 'output = H x W x C',
  params: {
    height: int({ label: 'Height', doc: 'Image height in pixels.', default: 28, min: 1, max: 4096 }),
    width: int({ label: 'Width', doc: 'Image width in pixels.', default: 28, min: 1, max: 4096 }),
    channels: int({ label: 'Channels', doc: '1 for grey images, 3 for colour (RGB).', default: 1, min: 1, max: 3 }),
  },
  inputs: { min: 0, max: 0 },
  hasWeights: false,
  inferShape(_inputs, p) {
    if (p.channels === 2) throw new ShapeError('An image has 1 channel (grey) or 3 (colour), not 2.', 'Set channels to 1 or 3.');
    return { shape: [p.height, p.width, p.channels] };
  },
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: (p) => `${p.height}x${p.width}x${p.channels}`,
});
