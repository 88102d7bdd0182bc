import type { z } from 'zod';
import type { ENGINE_JOBS, EngineJobName, EngineJobResult } from '../../../shared/api/engine-protocol';
import { loadBackend } from '../engine';
import { trainBaseline } from '../baseline/baseline-trainer';
import { exportModel } from '../export/export-model';
import { computeActivations } from '../insight/activations';
import { evaluateRun } from '../insight/evaluate-run';
import { compareFilterResponses } from '../insight/filter-responses';
import { inspectFilters } from '../insight/filters';
import { predictFiles } from '../insight/predict-files';
import { computeSaliency } from '../insight/saliency';
import type { JobContext } from './job-context';
import { trainRun } from './trainer';

type Handler<J extends EngineJobName> = (params: z.output<(typeof ENGINE_JOBS)[J]['params']>, ctx: JobContext) => Promise<EngineJobResult<J>>;

/** What the engine process runs for each job name; a job without a handler does not compile. */
export const ENGINE_JOB_HANDLERS: { [J in EngineJobName]: Handler<J> } = {
  train: trainRun,
  evaluate: evaluateRun,
  predict: predictFiles,
  // The same service as `cnn-studio export`; the studio's window runs it here, beside TF.js. The
  // engine has registered WebAssembly without starting it, so the plain JavaScript backend (what the
  // CLI exports on) is started first: an export only builds and copies tensors.
  export: async (params) => {
    await loadBackend('cpu');
    return exportModel(params);
  },
  filters: inspectFilters,
  activations: computeActivations,
  saliency: computeSaliency,
  'filter-responses': compareFilterResponses,
  baseline: trainBaseline,
};
