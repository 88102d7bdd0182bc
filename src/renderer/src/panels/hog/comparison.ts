import type { EvaluationResult } from '../../../../shared/api/methods/evaluation';
import type { RunMetrics } from '../../../../shared/api/methods/runs';

/** What the side-by-side table shows of one run. */
export interface SideFacts {
  accuracy: number;
  loss: number;
  /** The mean of the classes' F1 (macro F1). */
  meanF1: number;
  images: number;
  /** Seconds from the run's start to its end (null when its metrics do not say). */
  seconds: number | null;
  /** Trainable and frozen parameters (null when unknown). */
  parameters: number | null;
  epochs: number;
  backend: string | null;
}

/** The facts of one side, from its evaluation and its metrics.jsonl. */
export function sideFacts(evaluation: EvaluationResult, metrics: RunMetrics): SideFacts {
  const report = evaluation.report;
  const f1 = report.perClass.map((c) => c.f1);
  const seconds = metrics.done?.seconds ?? (metrics.epochs.length ? metrics.epochs.reduce((sum, e) => sum + e.seconds, 0) : null);
  return {
    accuracy: report.accuracy,
    loss: report.loss,
    meanF1: f1.length ? f1.reduce((a, b) => a + b, 0) / f1.length : 0,
    images: report.images,
    seconds,
    parameters: metrics.start ? metrics.start.params.total : null,
    epochs: metrics.done?.epochs ?? metrics.epochs.at(-1)?.epoch ?? 0,
    backend: metrics.start?.backend.label ?? null,
  };
}

/** What to call a baseline run in sentences: its own name up to " for …", or simply "baseline". */
export function baselineName(projectName: string | undefined): string {
  return projectName && /baseline/i.test(projectName) ? projectName.replace(/ for .*$/, '') : 'baseline';
}

/** One class's F1 on both sides. */
export interface ClassF1Row {
  className: string;
  network: number;
  baseline: number;
}

/** Per-class F1 of both runs, by class name (the baseline trained on the same classes). */
export function classF1Rows(network: EvaluationResult, baseline: EvaluationResult): ClassF1Row[] {
  const other = new Map(baseline.report.perClass.map((c) => [c.class, c.f1]));
  return network.report.perClass.map((c) => ({ className: c.class, network: c.f1, baseline: other.get(c.class) ?? 0 }));
}

/**
 * The outcome in one plain sentence, whichever way it comes out: on small data a hand-crafted
 * baseline can beat a network, and the comparison says so.
 */
export function verdict(network: SideFacts, baseline: SideFacts, baselineName: string): string {
  const points = (Math.abs(network.accuracy - baseline.accuracy) * 100).toFixed(1);
  const on = `On these ${network.images.toLocaleString('en-US')} images`;
  if (Math.abs(network.accuracy - baseline.accuracy) < 0.0005) return `${on} the network and the ${baselineName} are equally accurate.`;
  return network.accuracy > baseline.accuracy
    ? `${on} the network is ${points} points more accurate than the ${baselineName}.`
    : `${on} the ${baselineName} is ${points} points more accurate than the network: on this data the hand-crafted features win.`;
}
