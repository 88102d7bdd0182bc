import { cp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { datasetReportSchema } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import type { RunRecord } from '../../../shared/run/run-record';
import { runRecordSchema } from '../../../shared/run/run-record';
import { checkWeightsFit, flatGraphOf } from '../export/pytorch';
import { fileReadError, fileWriteError } from '../files/atomic-write';
import { readRunEvents } from './metrics-file';
import { newRunFolder, projectRunsFolder } from './project-runs';
import { RUN_FILES, readRunArtifacts, writeRunJson } from './run-folder';
import { WEIGHTS_MANIFEST } from './weights-folder';
import { processAlive } from '../files/path-checks';

export interface ImportRunOptions {
  /** Copy the run into this new folder. */
  out?: string;
  /**
   * The project the run belongs to: the run is copied into its runs folder (`<project>.runs/`), so it
   * shows in the project's history beside local runs. Default: the project the run records, when that
   * file is on this machine.
   */
  projectPath?: string;
  /** Adopt the folder where it is instead of copying it. */
  inPlace?: boolean;
  /** The image folder on this machine, when the recorded (cluster) path is not. */
  dataPath?: string;
  /** Resolves relative paths. */
  cwd?: string;
  /** The clock (tests). */
  now?: () => Date;
}

export interface ImportRunResult {
  /** Where the imported run is now. */
  runDir: string;
  /** True when the folder was adopted where it is, false when it was copied. */
  inPlace: boolean;
  /** The project whose runs folder holds it, if any. */
  projectPath: string | null;
  record: RunRecord;
  /** The weights evaluate, predict and export will use, relative to the run. */
  weightsFrom: string;
  /** Lines of metrics.jsonl read, and how many could not be. */
  events: number;
  damagedLines: number;
  warnings: string[];
}

/**
 * Brings a run trained elsewhere (a cluster's output folder written by the PyTorch package, or any
 * run folder) into the studio. Everything is checked first: run.json, the project, labels,
 * preprocessing, the weights against the network, the metrics. Then the run is copied into the
 * project's runs folder (or `out`), or adopted where it is, with run.json marked `imported`: an
 * unfinished job is recorded as stopped at its last checkpoint, the final weights are set, the dataset
 * path is made local when given. The source folder is never changed unless adopted in place.
 */
export async function importRun(dir: string, options: ImportRunOptions = {}): Promise<ImportRunResult> {
  const cwd = options.cwd ?? process.cwd();
  const source = resolve(cwd, dir);
  const raw = await readRawRecord(source);
  if (raw.status === 'running' && raw.pid !== null && processAlive(raw.pid)) {
    throw new StudioError('invalid-argument', `The run in ${source} is still training on this machine (process ${raw.pid}).`, { hint: 'Wait for it to finish, or stop it first.', where: source });
  }
  const warnings: string[] = [];
  const artifacts = await readRunArtifacts(source);
  const flat = flatGraphOf(artifacts.project.name, artifacts.project.graph);
  checkWeightsFit(flat, artifacts.weights, `The weights in ${join(source, artifacts.weightsFrom)}`);
  const output = flat.nodes.find((n) => n.id === flat.outputId)!;
  if (artifacts.labels.length !== output.outputShape[0]) {
    throw new StudioError('run-invalid', `${join(source, RUN_FILES.labels)} names ${artifacts.labels.length} classes, but the network's Output ${output.id} has ${output.outputShape[0]}.`, {
      hint: 'The run folder is damaged: copy it again from where it was trained.',
      where: join(source, RUN_FILES.labels),
    });
  }
  const checkpoints = await existingCheckpoints(source, raw.checkpoints, warnings);
  const { events, damagedLines } = await readRunEvents(source);
  if (damagedLines) warnings.push(`${damagedLines} line(s) of ${RUN_FILES.metrics} could not be read and are left out of the curves.`);
  if (!events.some((e) => e.type === 'epoch')) warnings.push(`${RUN_FILES.metrics} holds no epoch yet, so the run has no curves.`);
  await checkDatasetReport(source, warnings);

  let datasetPath = raw.datasetPath;
  if (options.dataPath) {
    datasetPath = resolve(cwd, options.dataPath);
    if (!(await isDirectory(datasetPath))) throw new StudioError('file-not-found', `${datasetPath} is not a folder of images.`, { hint: 'Give the image folder with --data.', where: datasetPath });
  } else if (!(await isDirectory(datasetPath))) {
    warnings.push(`The run was trained on ${datasetPath}, which is not on this machine: give the images with "--data DIR" to evaluate on them.`);
  }

  const unfinished = raw.status === 'running';
  const lastEpoch = checkpoints.length ? Number(/(\d+)$/.exec(checkpoints.at(-1)!)?.[1] ?? raw.epochsCompleted) : 0;
  const projectPath = await ownerProject(options, raw, cwd, warnings);
  const target = options.out ? resolve(cwd, options.out) : options.inPlace || !projectPath ? source : await newRunFolder(runsFolderOf(projectPath, raw.projectName, cwd), new Date(raw.createdAt));
  const inPlace = target === source;
  const record: RunRecord = {
    ...raw,
    id: basename(target),
    kind: raw.kind === 'baseline' ? 'baseline' : 'imported',
    projectPath: projectPath ?? raw.projectPath,
    status: unfinished ? 'stopped' : raw.status,
    message: unfinished
      ? `Imported before its job had finished: ${lastEpoch} epoch(s) were complete, and the last checkpoint is used.`
      : raw.message,
    finishedAt: raw.finishedAt ?? raw.updatedAt,
    pid: null,
    datasetPath,
    checkpoints,
    epochsCompleted: Math.max(raw.epochsCompleted, lastEpoch),
    finalWeights: raw.finalWeights && (await hasWeights(join(source, raw.finalWeights))) ? raw.finalWeights : artifacts.weightsFrom,
    updatedAt: (options.now ?? (() => new Date()))().toISOString(),
  };

  if (inPlace) await writeRunJson(source, RUN_FILES.record, record);
  else await copyRun(source, target, record);
  return { runDir: target, inPlace, projectPath, record, weightsFrom: record.finalWeights!, events: events.length, damagedLines, warnings };
}

/** run.json exactly as written (readRunRecord would already turn an unfinished run into a crashed one). */
async function readRawRecord(runDir: string): Promise<RunRecord> {
  const path = join(runDir, RUN_FILES.record);
  let text: string;
  try {
    if (!(await isDirectory(runDir))) {
      throw new StudioError('run-invalid', `${runDir} is not a folder.`, { hint: 'Give the run folder that train.py wrote (--out).', where: runDir });
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof StudioError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StudioError('run-invalid', `${runDir} is not a run folder (it has no ${RUN_FILES.record}).`, {
        hint: 'Give the folder that train.py wrote with --out (it holds run.json, metrics.jsonl and checkpoints/).',
        where: runDir,
      });
    }
    throw fileReadError(path, error);
  }
  let parsed: ReturnType<typeof runRecordSchema.safeParse>;
  try {
    parsed = runRecordSchema.safeParse(JSON.parse(text));
  } catch {
    throw new StudioError('run-invalid', `${path} is not valid JSON; the run folder is damaged.`, { hint: 'Copy the run folder again.', where: path });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StudioError('run-invalid', `${path}: ${issue.path.join('.') || 'the file'} ${issue.message}; this is not a run folder the studio can read.`, {
      hint: 'Copy the run folder again, or train with this version of the exported package.',
      where: path,
    });
  }
  return parsed.data;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function hasWeights(folder: string): Promise<boolean> {
  try {
    return (await stat(join(folder, WEIGHTS_MANIFEST))).isFile();
  } catch {
    return false;
  }
}

/** The recorded checkpoints whose weights are there (a copy may have left some out). */
async function existingCheckpoints(runDir: string, listed: readonly string[], warnings: string[]): Promise<string[]> {
  const present: string[] = [];
  for (const folder of listed) {
    if (await hasWeights(join(runDir, folder))) present.push(folder);
    else warnings.push(`The checkpoint ${folder} is listed in run.json but missing from the folder; it is left out.`);
  }
  return present;
}

async function checkDatasetReport(runDir: string, warnings: string[]): Promise<void> {
  const path = join(runDir, RUN_FILES.datasetReport);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    warnings.push(`The run has no ${RUN_FILES.datasetReport}, so the dataset panel cannot show its counts.`);
    return;
  }
  try {
    if (datasetReportSchema.safeParse(JSON.parse(text)).success) return;
  } catch {
    // Not JSON: reported below like any other damage.
  }
  warnings.push(`${path} is damaged, so the dataset panel cannot show its counts.`);
}

/** The project whose history gets the run: the one given, else the recorded one when it is on this machine. */
async function ownerProject(options: ImportRunOptions, record: RunRecord, cwd: string, warnings: string[]): Promise<string | null> {
  if (options.projectPath) {
    const path = resolve(cwd, options.projectPath);
    try {
      if (!(await stat(path)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    } catch (error) {
      throw fileReadError(path, error, 'a project file');
    }
    return path;
  }
  if (record.projectPath && !options.out && !options.inPlace) {
    try {
      if ((await stat(record.projectPath)).isFile()) return record.projectPath;
    } catch {
      // The project of a cluster run may not be on this machine.
    }
    warnings.push(`The project ${record.projectPath} is not on this machine, so the run stays where it is; give --project FILE to add it to a project's runs.`);
  }
  return null;
}

function runsFolderOf(projectPath: string, projectName: string, cwd: string): string {
  // A saved project's runs folder never depends on the state folder.
  return projectRunsFolder({ projectPath, projectName, stateFolder: dirname(projectPath), cwd });
}

/** Copies the run to `target` (new or empty) under a temporary name, then renames it into place. */
async function copyRun(source: string, target: string, record: RunRecord): Promise<void> {
  let existing: string[] = [];
  try {
    existing = await readdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new StudioError('file-unwritable', `${target} is a file, not a folder.`, { hint: 'Choose a new folder for the run.', where: target });
  }
  if (existing.length) throw new StudioError('invalid-argument', `${target} already exists and is not empty.`, { hint: 'Choose a new folder for the imported run.', where: target });
  if (await isDirectory(target)) await rm(target, { recursive: true, force: true });
  const temp = join(dirname(target), `.${basename(target)}.import-${process.pid}`);
  try {
    await cp(source, temp, {
      recursive: true,
      // Half-written checkpoints of a killed job are not part of the run.
      filter: (path) => !/\.(partial|old)-[^/\\]*$/.test(path),
    });
    await writeRunJson(temp, RUN_FILES.record, record);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error instanceof StudioError ? error : fileWriteError(target, error, 'the imported run');
  }
}
