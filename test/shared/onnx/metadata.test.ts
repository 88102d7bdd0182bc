import { describe, expect, it } from 'vitest';
import { buildOnnxMetadata, readOnnxMetadata } from '../../../src/shared/onnx/metadata';

describe('ONNX metadata', () => {
  const preprocessing = { height: 4, width: 5, channels: 3 as const, resize: 'letterbox' as const, scale: 1, mean: [1, 2, 3], std: [1, 1, 1], channelOrder: 'bgr' as const };

  it('round_trips_labels_and_preprocessing', () => {
    const entries = buildOnnxMetadata({ labels: ['a', 'b'], preprocessing, layout: 'nchw', input: { height: 4, width: 5, channels: 3 }, logits: false });
    const read = readOnnxMetadata(Object.fromEntries(entries.map((e) => [e.key, e.value])), 'm.onnx');
    expect(read).toEqual({ labels: ['a', 'b'], preprocessing, inputLayout: 'nchw', output: 'probabilities', warnings: [] });
  });

  it('ignores_foreign_keys_and_warns_about_bad_entries', () => {
    expect(readOnnxMetadata({ author: 'someone', 'converted.by': 'tf2onnx' }, 'm.onnx')).toEqual({ warnings: [] });
    const read = readOnnxMetadata({ labels: '[1, 2]', normalization: '{"scale": 1, "mean": [0], "std": [1]}', input_size: '4x5x3' }, 'm.onnx');
    expect(read.warnings).toEqual([
      'm.onnx: the metadata entry "labels" is not a list of class names, so it is ignored.',
      'm.onnx: the metadata entry "normalization" does not fit the input size (one mean and one std per channel, 1 or 3 channels), so it is ignored.',
    ]);
    expect(readOnnxMetadata({ normalization: 'not json', input_size: '4x5x3' }, 'm.onnx').warnings).toEqual(['m.onnx: the metadata entry "normalization" is not valid JSON, so it is ignored.']);
  });
});
