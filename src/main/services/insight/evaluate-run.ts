import type { z } from 'zod';
import type { evaluateJobParamsSchema } from '../../../shared/api/engine-protocol';
import type { EvaluationReport, WrongPrediction } from '../../../shared/run/evaluation';
import { classificationMetrics } from '../../../shared/run/evaluation';
import type { JobContext } from '../training/job-context';
import { openEvaluationData } from '../training/training-data';
import { loadRunModel } from './run-model';

type EvaluateParams = z.output<typeof evaluateJobParamsSchema>;

/** Accuracy, loss, confusion matrix, per-class metrics and the most confidently wrong images of a run on a folder. */
export async function evaluateRun(params: EvaluateParams, ctx: JobContext): Promise<EvaluationReport> {
  const run = await loadRunModel(params.runDir, { backend: params.backend, readsAsync: true });
  try {
    const labels = run.artifacts.labels;
    const data = await openEvaluationData({
      dataPath: params.dataPath,
      labels,
      preprocessing: run.artifacts.preprocessing,
      split: params.split,
      control: ctx.control,
      ...(params.validation ? { validation: params.validation } : {}),
    });
    try {
      const truth: number[] = [];
      const predicted: number[] = [];
      const wrong: WrongPrediction[] = [];
      const cells = labels.map(() => labels.map(() => [] as string[]));
      let lossSum = 0;
      const classes = labels.length;
      for await (const batch of data.batches()) {
        if (ctx.control.stopRequested) break;
        const probabilities = await run.predict(batch.x, batch.size);
        for (let i = 0; i < batch.size; i++) {
          const row = Array.from(probabilities.subarray(i * classes, (i + 1) * classes));
          const t = batch.y[i]!;
          let best = 0;
          for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
          truth.push(t);
          predicted.push(best);
          cells[t]![best]!.push(batch.files[i]!);
          lossSum += -Math.log(Math.min(Math.max(row[t]!, 1e-7), 1 - 1e-7));
          if (best !== t) wrong.push({ file: batch.files[i]!, label: labels[t]!, predicted: labels[best]!, confidence: row[best]!, probabilities: row });
        }
      }
      const metrics = classificationMetrics(truth, predicted, labels);
      wrong.sort((a, b) => b.confidence - a.confidence);
      return {
        ...metrics,
        loss: truth.length ? lossSum / truth.length : 0,
        images: truth.length,
        classes: labels,
        worst: wrong.slice(0, params.worst),
        cells,
        skipped: data.skipped(),
        dataPath: params.dataPath,
        weightsFrom: run.artifacts.weightsFrom,
      };
    } finally {
      await data.dispose();
    }
  } finally {
    run.dispose();
  }
}
