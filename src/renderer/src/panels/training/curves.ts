import type { BatchPoint } from '../../../../shared/api/methods/training';
import type { EpochEvent } from '../../../../shared/run/run-events';

/** Columns for uPlot: x first, then one array per series, nulls where a series has no point. */
export type CurveColumns = [number[], ...(number | null)[][]];

/** How much of the previous value a smoothed batch curve keeps (TensorBoard's default smoothing). */
const SMOOTHING = 0.6;

/** An exponential moving average with TensorBoard's debiasing, so the start is not pulled to zero. */
export function smooth(values: readonly number[], weight = SMOOTHING): number[] {
  let last = 0;
  let debias = 1;
  return values.map((v) => {
    last = last * weight + (1 - weight) * v;
    debias *= weight;
    return last / (1 - debias);
  });
}

/** A batch's place on the epoch axis: batch 5 of 10 in epoch 2 is 1.5 (epoch 2 ends at 2). */
export function batchPosition(point: BatchPoint): number {
  return point.epoch - 1 + point.batch / point.batches;
}

/**
 * Joins series sampled at different x into uPlot's aligned columns: the union of every x, sorted,
 * and each series' value at it (null elsewhere; the chart joins across the gaps).
 */
export function alignSeries(series: readonly { x: readonly number[]; y: readonly (number | null)[] }[]): CurveColumns {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => (column[index.get(x)!] = s.y[i] ?? null));
    return column;
  });
  return [xs, ...columns];
}

/**
 * The dashboard's two charts: loss and accuracy over epochs, each with the smoothed batch curve,
 * the training value of each epoch and the validation value of each epoch.
 */
export function trainingCurves(batches: readonly BatchPoint[], epochs: readonly EpochEvent[]): { loss: CurveColumns; accuracy: CurveColumns } {
  const bx = batches.map(batchPosition);
  const ex = epochs.map((e) => e.epoch);
  return {
    loss: alignSeries([
      { x: bx, y: smooth(batches.map((b) => b.loss)) },
      { x: ex, y: epochs.map((e) => e.loss) },
      { x: ex, y: epochs.map((e) => e.valLoss) },
    ]),
    accuracy: alignSeries([
      { x: bx, y: smooth(batches.map((b) => b.accuracy)) },
      { x: ex, y: epochs.map((e) => e.accuracy) },
      { x: ex, y: epochs.map((e) => e.valAccuracy) },
    ]),
  };
}

/** Two runs overlaid by epoch: for each run its validation value (or training value where it has no validation) and its training value. */
export function comparisonCurves(a: readonly EpochEvent[], b: readonly EpochEvent[]): { loss: CurveColumns; accuracy: CurveColumns } {
  const pick = (epochs: readonly EpochEvent[], f: (e: EpochEvent) => number | null) => ({ x: epochs.map((e) => e.epoch), y: epochs.map(f) });
  return {
    loss: alignSeries([pick(a, (e) => e.valLoss), pick(a, (e) => e.loss), pick(b, (e) => e.valLoss), pick(b, (e) => e.loss)]),
    accuracy: alignSeries([pick(a, (e) => e.valAccuracy), pick(a, (e) => e.accuracy), pick(b, (e) => e.valAccuracy), pick(b, (e) => e.accuracy)]),
  };
}
