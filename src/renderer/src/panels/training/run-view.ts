import type { RunMetrics, RunSummary } from '../../../../shared/api/methods/runs';
import type { TrainingOutcome, TrainingRunSnapshot } from '../../../../shared/api/methods/training';

/**
 * A run of the history in the dashboard's terms (the snapshot a live run has), from its summary and
 * the curves read back from its metrics.jsonl. A run another process still trains (the CLI) has no
 * outcome yet.
 */
export function historyRunView(summary: RunSummary, metrics: RunMetrics): TrainingRunSnapshot {
  const outcome: TrainingOutcome | null = summary.status === 'running' ? null : summary.status;
  const failed = outcome === 'failed' || outcome === 'crashed';
  return {
    runId: `history:${summary.runDir}`,
    runDir: summary.runDir,
    projectName: summary.projectName,
    projectPath: null,
    state: 'ended',
    outcome,
    error: failed && summary.message ? { code: outcome === 'crashed' ? 'engine-crashed' : 'training-failed', message: summary.message } : null,
    startedAt: summary.createdAt,
    endedAt: summary.finishedAt,
    resumed: false,
    start: metrics.start,
    epochs: metrics.epochs,
    batches: metrics.batches,
    lastBatch: null,
    statuses: metrics.statuses,
    done: metrics.done ?? (summary.message && !failed ? { type: 'done', status: outcome === 'stopped' ? 'stopped' : 'completed', epochs: summary.epochsCompleted, bestEpoch: summary.bestEpoch, runDir: summary.runDir, message: summary.message, valLoss: null, valAccuracy: null, seconds: 0 } : null),
  };
}

/** True for a run that can go on from its last checkpoint. */
export function resumable(outcome: TrainingOutcome | null): boolean {
  return outcome === 'stopped' || outcome === 'failed' || outcome === 'crashed';
}
