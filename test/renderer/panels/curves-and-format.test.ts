import { describe, expect, it } from 'vitest';
import { heatCells } from '../../../src/renderer/src/panels/evaluation/heatmap';
import { baseName, count, decimal, duration, joinPath, percent } from '../../../src/renderer/src/panels/format';
import { alignSeries, batchPosition, comparisonCurves, smooth, trainingCurves } from '../../../src/renderer/src/panels/training/curves';
import { suggestedExportPath } from '../../../src/renderer/src/stores/export-store';
import type { EpochEvent } from '../../../src/shared/run/run-events';

const epoch = (n: number, valLoss: number | null): EpochEvent => ({ type: 'epoch', epoch: n, epochs: 3, loss: 1 / n, accuracy: n / 4, valLoss, valAccuracy: valLoss === null ? null : 0.5, imagesPerSecond: 1, seconds: 1, learningRate: 0.1, eta: 0, best: false });

describe('the dashboard curves', () => {
  it('places_batches_on_the_epoch_axis_and_aligns_series_sampled_at_different_points', () => {
    expect(batchPosition({ epoch: 2, batch: 5, batches: 10, loss: 0, accuracy: 0 })).toBe(1.5);
    expect(alignSeries([
      { x: [0.5, 1], y: [3, 2] },
      { x: [1, 2], y: [7, null] },
    ])).toEqual([
      [0.5, 1, 2],
      [3, 2, null],
      [null, 7, null],
    ]);
  });

  it('smooths_like_tensorboard_without_pulling_the_start_to_zero', () => {
    const s = smooth([4, 4, 4], 0.6);
    s.forEach((v) => expect(v).toBeCloseTo(4, 12));
    // Hand-computed: ema 0.4*4=1.6 → /(1−0.6)=4; then 1.6*0.6+0.4*0=0.96 → /(1−0.36)=1.5.
    expect(smooth([4, 0], 0.6)).toEqual([4, 0.96 / 0.64]);
  });

  it('draws_training_and_validation_epoch_values_beside_the_batch_curve', () => {
    const curves = trainingCurves(
      [{ epoch: 1, batch: 1, batches: 2, loss: 2, accuracy: 0.25 }, { epoch: 1, batch: 2, batches: 2, loss: 1, accuracy: 0.5 }],
      [epoch(1, 1.5)],
    );
    expect(curves.loss[0]).toEqual([0.5, 1]);
    expect(curves.loss[2]).toEqual([null, 1]);
    expect(curves.loss[3]).toEqual([null, 1.5]);
    expect(curves.accuracy[3]).toEqual([null, 0.5]);
  });

  it('overlays_two_runs_by_epoch_even_of_different_lengths', () => {
    const c = comparisonCurves([epoch(1, 0.9), epoch(2, 0.8)], [epoch(1, 1.1), epoch(2, 1.0), epoch(3, 0.7)]);
    expect(c.loss).toEqual([
      [1, 2, 3],
      [0.9, 0.8, null],
      [1, 0.5, null],
      [1.1, 1.0, 0.7],
      [1, 0.5, 1 / 3],
    ]);
  });
});

describe('the confusion heatmap', () => {
  it('colours_each_cell_by_its_share_of_the_row_green_on_the_diagonal_red_off_it', () => {
    const cells = heatCells([
      [8, 2],
      [0, 0],
    ]);
    expect(cells[0]![0]).toMatchObject({ count: 8, share: 0.8, correct: true, dark: true });
    expect(cells[0]![0]!.background).toMatch(/^hsla\(140, /);
    expect(cells[0]![1]).toMatchObject({ share: 0.2, correct: false, dark: false });
    expect(cells[0]![1]!.background).toMatch(/^hsla\(5, /);
    // An empty row has no share to show.
    expect(cells[1]![0]).toMatchObject({ share: 0, background: 'transparent' });
  });
});

describe('numbers and paths as the panels write them', () => {
  it('formats_percentages_losses_counts_and_durations', () => {
    expect(percent(0.8534)).toBe('85.3%');
    expect(percent(null)).toBe('–');
    expect(decimal(0.123456)).toBe('0.1235');
    expect(decimal(Number.NaN)).toBe('–');
    expect(count(1234567.4)).toBe('1,234,567');
    expect(duration(0.42)).toBe('0.4 s');
    expect(duration(42)).toBe('42 s');
    expect(duration(185)).toBe('3 min 05 s');
    expect(duration(3720)).toBe('1 h 02 min');
  });

  it('joins_paths_with_the_separator_they_use_and_suggests_export_names', () => {
    expect(joinPath('C:\\runs\\r1', 'model.onnx')).toBe('C:\\runs\\r1\\model.onnx');
    expect(joinPath('/runs/r1/', 'model.onnx')).toBe('/runs/r1/model.onnx');
    expect(baseName('/a/b/c.png')).toBe('c.png');
    expect(suggestedExportPath('/runs/r1', 'LeNet-5 on Fashion: MNIST', 'onnx')).toBe('/runs/r1/LeNet-5-on-Fashion-MNIST.onnx');
    expect(suggestedExportPath('/runs/r1', '  ', 'tfjs')).toBe('/runs/r1/model-tfjs');
  });
});
