import type { z } from 'zod';
import type { ENGINE_JOBS, EngineJobName, EngineJobResult } from '../../../shared/api/engine-protocol';
import { evaluateRun } from '../insight/evaluate-run';
import { predictFiles } from '../insight/predict-files';
import type { JobContext } from './job-context';
import { trainRun } from './trainer';

type Handler<J extends EngineJobName> = (params: z.output<(typeof ENGINE_JOBS)[J]['params']>, ctx: JobContext) => Promise<EngineJobResult<J>>;

/** What the engine process runs for each job name; a job without a handler does not compile. */
export const ENGINE_JOB_HANDLERS: { [J in EngineJobName]: Handler<J> } = {
  train: trainRun,
  evaluate: evaluateRun,
  predict: predictFiles,
};
