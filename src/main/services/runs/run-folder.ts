import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import { formatPath } from '../../../shared/project/codec';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { preprocessingSchema } from '../../../shared/project/preprocessing';
import type { Project } from '../../../shared/project/project';
import type { RunRecord } from '../../../shared/run/run-record';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { runRecordSchema } from '../../../shared/run/run-record';
import { describeIssue } from '../../../shared/validation-messages';
import type { WeightSet } from '../../../shared/weights';
import { fileReadError, writeFileAtomic } from '../files/atomic-write';
import { readProjectFile } from '../project/project-files';
import { readWeightsFolder } from './weights-folder';
import { processAlive } from '../files/path-checks';

/**
 * A run folder:
 *   run.json              identity and state (RunRecord); `completed` is written last
 *   project.cnnstudio     the project as it was when the run started
 *   labels.json           class names in output order
 *   preprocessing.json    the exact Preprocessing (used by predict, visualisation and export)
 *   dataset-report.json   counts per split and class, skipped files with reasons
 *   metrics.jsonl         one RunEvent per line (src/shared/run/run-events.ts)
 *   checkpoints/epoch-NNNN/  weights.json + weights.bin (+ optimizer state) after each epoch
 *   checkpoints/best/     the best epoch's weights (lowest validation loss)
 *   weights/              the final weights (what evaluate/predict/export use)
 *   initial/              the weights training started from (fixed filters, imported or seeded): "before vs after"
 *   model/                the final model in TF.js format (model.json + weights)
 */
export const RUN_FILES = {
  record: 'run.json',
  project: 'project.cnnstudio',
  labels: 'labels.json',
  preprocessing: 'preprocessing.json',
  datasetReport: 'dataset-report.json',
  metrics: 'metrics.jsonl',
  checkpoints: 'checkpoints',
  best: join('checkpoints', 'best'),
  weights: 'weights',
  initial: 'initial',
  tfjsModel: 'model',
} as const;

const labelsSchema = z.array(z.string().min(1).max(500)).min(1).max(100000);

/** Writes a JSON file of the run atomically. */
export async function writeRunJson(runDir: string, file: string, value: unknown): Promise<void> {
  await writeFileAtomic(join(runDir, file), `${JSON.stringify(value, null, 2)}\n`, { what: `the run's ${file}` });
}

async function readRunJson<T>(runDir: string, file: string, schema: z.ZodType<T>): Promise<T> {
  const path = join(runDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && file === RUN_FILES.record) {
      throw new StudioError('run-invalid', `${runDir} is not a run folder (it has no ${RUN_FILES.record}).`, {
        hint: 'Give the folder that "cnn-studio train --out" wrote.',
        where: runDir,
      });
    }
    throw fileReadError(path, error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StudioError('run-invalid', `${path} is not valid JSON; the run folder is damaged.`, { hint: 'Train again, or restore the file.', where: path });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StudioError('run-invalid', `${path}: ${formatPath(issue.path) || 'the file'} ${describeIssue(issue)}; the run folder is damaged.`, {
      hint: 'Train again, or restore the file.',
      where: path,
    });
  }
  return parsed.data;
}

/**
 * Reads `run.json`. A run that says `running` while its process is gone is reported as `crashed`
 * (with a message), so a killed run is never taken for a finished or a live one.
 */
export async function readRunRecord(runDir: string): Promise<RunRecord> {
  const record = await readRunJson(runDir, RUN_FILES.record, runRecordSchema);
  if (record.status === 'running' && (record.pid === null || !processAlive(record.pid))) {
    return {
      ...record,
      status: 'crashed',
      message: record.message ?? `The training process stopped without finishing after ${record.epochsCompleted} epoch(s); the completed checkpoints are kept.`,
    };
  }
  return record;
}

export type WeightsChoice = 'final' | 'best' | 'last-checkpoint' | 'initial';

/** Everything needed to evaluate, predict, visualise or export a run. */
export interface RunArtifacts {
  runDir: string;
  record: RunRecord;
  project: Project;
  labels: string[];
  preprocessing: Preprocessing;
  weights: WeightSet;
  /** The weights folder that was read, relative to the run. */
  weightsFrom: string;
}

/**
 * Reads a run for use. `final` falls back to the last checkpoint for a stopped, failed or crashed run,
 * so what was trained before the interruption is usable.
 */
export async function readRunArtifacts(runDir: string, choice: WeightsChoice = 'final'): Promise<RunArtifacts> {
  const record = await readRunRecord(runDir);
  const project = await readProjectFile(join(runDir, RUN_FILES.project));
  const labels = await readRunJson(runDir, RUN_FILES.labels, labelsSchema);
  // Labels that do not fit the network would put wrong names on every prediction and export.
  // The analysed shape, not the raw parameter: an Output whose parameters were lost takes its default classes.
  const output = analyzeGraph(project.graph).flat;
  const classes = output ? output.nodes.find((n) => n.id === output.outputId)?.outputShape[0] : undefined;
  if (typeof classes === 'number' && labels.length !== classes) {
    const path = join(runDir, RUN_FILES.labels);
    throw new StudioError('run-invalid', `${path} names ${labels.length} class${labels.length === 1 ? '' : 'es'} but the run's network has ${classes} outputs; the run folder is damaged.`, {
      hint: 'Restore labels.json from a copy of the run, or train again.',
      where: path,
    });
  }
  const preprocessing = await readRunJson(runDir, RUN_FILES.preprocessing, preprocessingSchema);
  const candidates: (string | null)[] =
    choice === 'initial'
      ? [RUN_FILES.initial]
      : choice === 'best'
      ? [record.bestEpoch !== null ? RUN_FILES.best : null, record.finalWeights]
      : choice === 'final'
        ? [record.finalWeights, record.checkpoints.at(-1) ?? null]
        : [record.checkpoints.at(-1) ?? null];
  const from = candidates.find((c): c is string => c !== null);
  if (!from) {
    throw new StudioError('run-invalid', `The run in ${runDir} has no trained weights yet (status: ${record.status}).`, {
      hint: record.status === 'running' ? 'Wait for the first epoch to finish.' : 'Train again; no epoch was completed.',
      where: runDir,
    });
  }
  const weights = await readWeightsFolder(join(runDir, from));
  return { runDir, record, project, labels, preprocessing, weights, weightsFrom: from };
}
