import type { z } from 'zod';
import type { predictJobParamsSchema } from '../../../shared/api/engine-protocol';
import { describeError } from '../../../shared/errors';
import type { Prediction } from '../../../shared/run/evaluation';
import type { JobContext } from '../training/job-context';
import { decodeForModel } from '../training/training-data';
import { loadRunModel } from './run-model';

type PredictParams = z.output<typeof predictJobParamsSchema>;

const BATCH = 32;

/** Every class's probability for each image file, with the run's own preprocessing. */
export async function predictFiles(params: PredictParams, ctx: JobContext): Promise<Prediction[]> {
  const run = await loadRunModel(params.runDir, { backend: params.backend, readsAsync: true });
  try {
    const labels = run.artifacts.labels;
    const [h, w, c] = run.inputShape;
    const out: Prediction[] = [];
    for (let start = 0; start < params.files.length && !ctx.control.stopRequested; start += BATCH) {
      const files = params.files.slice(start, start + BATCH);
      const decoded = await Promise.all(
        files.map(async (file) => {
          try {
            return { file, image: await decodeForModel(file, run.artifacts.preprocessing) };
          } catch (error) {
            return { file, error: describeError(error) };
          }
        }),
      );
      const good = decoded.filter((d): d is { file: string; image: Float32Array } => 'image' in d);
      const x = new Float32Array(good.length * h * w * c);
      good.forEach((d, i) => x.set(d.image, i * h * w * c));
      const probabilities = good.length ? await run.predict(x, good.length) : new Float32Array();
      let k = 0;
      for (const d of decoded) {
        if ('error' in d) {
          out.push({ file: d.file, label: null, probabilities: [], error: d.error });
          continue;
        }
        const row = Array.from(probabilities.subarray(k * labels.length, (k + 1) * labels.length));
        k += 1;
        let best = 0;
        for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
        out.push({ file: d.file, label: labels[best]!, probabilities: row });
      }
    }
    return out;
  } finally {
    run.dispose();
  }
}
