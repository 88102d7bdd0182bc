import { int, padding } from './params';
import type { LayerKind } from './types';
import { defineLayer } from './types';
import { applyWindow, requireMap } from './window';

/** Max and average pooling share everything but the reduction, as ONNX's pool schemas do. */
function poolingLayer(kind: LayerKind, label: string, reduction: string) {
  return defineLayer({
    kind,
    version: 1,
    group: 'Pooling',
    label,
    doc:
      `Takes the ${reduction} of each n x n window, channel by channel: the map shrinks, the channels stay, and there is nothing to learn. ` +
      'A stride smaller than the window makes windows overlap (as in AlexNet).',
    formula: 'out = floor((H − n + P) / s) + 1;  parameters = 0',
    params: {
      poolSize: int({ label: 'Window (n)', doc: 'Height and width of the pooling window.', default: 2, min: 1, max: 64 }),
      strides: int({ label: 'Stride (s)', doc: 'Step of the window; smaller than the window for overlapping pooling.', default: 2, min: 1, max: 64 }),
      padding: padding({
        label: 'Padding',
        doc: `"valid", "same", or a number of cells added on every side (never part of the ${reduction}).`,
        default: 'valid',
      }),
    },
    inputs: { min: 1, max: 1 },
    hasWeights: false,
    inferShape([input], p) {
      const map = requireMap(input, label);
      const { rows, cols, warnings } = applyWindow(map, { kernel: p.poolSize, stride: p.strides, dilation: 1, padding: p.padding }, 'pooling window');
      return { shape: [rows.out, cols.out, map[2]], warnings };
    },
    countParams: () => ({ trainable: 0, nonTrainable: 0 }),
    summarize(p) {
      const parts = [`${p.poolSize}x${p.poolSize}`];
      if (p.strides !== p.poolSize) parts.push(`s${p.strides}`);
      if (p.padding !== 'valid') parts.push(typeof p.padding === 'number' ? `p${p.padding}` : 'same');
      return parts.join(' ');
    },
  });
}

export const maxPool2dLayer = poolingLayer('MaxPool2D', 'MaxPool2D', 'maximum');
export const avgPool2dLayer = poolingLayer('AvgPool2D', 'AvgPool2D', 'average');

function globalPoolingLayer(kind: LayerKind, label: string, reduction: string) {
  return defineLayer({
    kind,
    version: 1,
    group: 'Pooling',
    label,
    doc: `Reduces each whole feature map to its ${reduction}: H x W x C becomes a vector of C values, whatever the image size.`,
    formula: 'output = C;  parameters = 0',
    params: {},
    inputs: { min: 1, max: 1 },
    hasWeights: false,
    inferShape([input]) {
      const map = requireMap(input, label);
      return { shape: [map[2]] };
    },
    countParams: () => ({ trainable: 0, nonTrainable: 0 }),
    summarize: () => '',
  });
}

export const globalAvgPoolLayer = globalPoolingLayer('GlobalAvgPool', 'GlobalAvgPool', 'average');
export const globalMaxPoolLayer = globalPoolingLayer('GlobalMaxPool', 'GlobalMaxPool', 'maximum');
