import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import type { evaluateJobParamsSchema } from '../../../shared/api/engine-protocol';
import type { EvaluationSource } from '../../../shared/api/methods/evaluation';
import { MAX_CELL_FILES } from '../../../shared/api/methods/evaluation';
import type { DatasetReport } from '../../../shared/dataset/dataset-report';
import { datasetReportSchema } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import { RUN_FILES, readRunRecord } from '../runs/run-folder';
import type { EngineLauncher } from '../training/engine-channel';
import { startEngineJob } from '../training/engine-jobs';
import type { ApiHandlers } from './handler-table';

type EvaluateParams = z.input<typeof evaluateJobParamsSchema>;

export interface EvaluationHandlerDeps {
  launch: EngineLauncher;
  cwd: string;
}

/** The images an evaluation of a run on `source` reads: a folder, which split of it, and how the run carved its validation split. */
export async function evaluationTarget(runDir: string, source: EvaluationSource, dataPath: string | undefined, cwd: string): Promise<Pick<EvaluateParams, 'dataPath' | 'split' | 'validation'>> {
  if (source === 'folder') {
    if (!dataPath) throw new StudioError('invalid-argument', 'Choose the folder of images to evaluate on.', { hint: 'It needs one sub-folder per class, named as the run\'s classes.', where: 'dataPath' });
    return { dataPath: resolve(cwd, dataPath), split: 'auto' };
  }
  const record = await readRunRecord(runDir);
  const report = await readDatasetReport(runDir);
  if (source === 'validation') {
    if (report.validation.source === 'none' || report.splits.validation.total === 0) {
      throw new StudioError('invalid-argument', `The run in ${runDir} was trained without a validation split.`, {
        hint: 'Evaluate it on the test split or on another folder.',
        where: runDir,
      });
    }
    if (report.validation.source === 'split' && report.validation.fraction !== null && report.validation.seed !== null) {
      return { dataPath: record.datasetPath, split: 'val', validation: { fraction: report.validation.fraction, seed: report.validation.seed } };
    }
    return { dataPath: record.datasetPath, split: 'val' };
  }
  if (report.testRoot) return { dataPath: report.testRoot, split: 'all' };
  if (report.splits.test && report.splits.test.total > 0) return { dataPath: record.datasetPath, split: 'test' };
  throw new StudioError('invalid-argument', `The dataset of the run in ${runDir} has no test split.`, {
    hint: 'Add a test/ folder beside train/, set a test folder in the dataset panel, or evaluate on another folder.',
    where: record.datasetPath,
  });
}

async function readDatasetReport(runDir: string): Promise<DatasetReport> {
  const path = join(runDir, RUN_FILES.datasetReport);
  const parsed = await readFile(path, 'utf8').then(
    (text) => datasetReportSchema.safeParse(JSON.parse(text)),
    () => null,
  ).catch(() => null);
  if (!parsed?.success) {
    throw new StudioError('run-invalid', `${path} is missing or damaged, so the run's splits are unknown.`, { hint: 'Evaluate on a folder instead.', where: path });
  }
  return parsed.data;
}

/** `evaluation.run`: the evaluate job in an engine process; each confusion cell lists at most MAX_CELL_FILES files. */
export function createEvaluationHandlers(deps: EvaluationHandlerDeps): Pick<ApiHandlers, 'evaluation.run'> {
  return {
    async 'evaluation.run'({ runDir, source, dataPath, worst }) {
      const started = performance.now();
      const dir = resolve(deps.cwd, runDir);
      const target = await evaluationTarget(dir, source, dataPath, deps.cwd);
      const report = await startEngineJob(deps.launch, 'evaluate', { runDir: dir, ...target, worst, backend: 'auto' }).result;
      let cellsTruncated = false;
      const cells = report.cells?.map((row) =>
        row.map((files) => {
          if (files.length <= MAX_CELL_FILES) return files;
          cellsTruncated = true;
          return files.slice(0, MAX_CELL_FILES);
        }),
      );
      return { report: { ...report, ...(cells ? { cells } : {}) }, source, split: target.split ?? 'auto', cellsTruncated, seconds: (performance.now() - started) / 1000 };
    },
  };
}
