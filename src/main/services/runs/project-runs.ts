import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { BatchPoint } from '../../../shared/api/methods/training';
import type { RunMetrics, RunSummary } from '../../../shared/api/methods/runs';
import { StudioError } from '../../../shared/errors';
import type { EpochEvent, RunEvent } from '../../../shared/run/run-events';
import { epochEventSchema } from '../../../shared/run/run-events';
import { fileWriteError } from '../files/atomic-write';
import { readRunEvents } from './metrics-file';
import { RUN_FILES, readRunRecord } from './run-folder';
import { pathExists } from '../files/path-checks';

/**
 * Where a project's runs live, and the history read back from them. A saved project keeps its runs
 * in `<name>.runs/` beside its file (they travel with it, and two projects never mix); an unsaved
 * project in `<state folder>/runs/<name>/`; a chosen folder overrides both. Each run is a sub-folder
 * named after the local time it started (`2026-11-25_10-30-12`), so the names sort by age.
 */

/** The most points a curve keeps: enough for a smooth line at any window width, small to send. */
export const MAX_CURVE_POINTS = 1000;

export interface RunsFolderRequest {
  projectPath: string | null;
  projectName: string;
  /** A folder chosen by the user (absolute, or relative to `cwd`); null or empty for the default. */
  runsFolder?: string | null;
  /** The studio's per-user state folder. */
  stateFolder: string;
  cwd: string;
}

/** A name made safe as one folder name on every system ("LeNet-5 on Fashion-MNIST" → "LeNet-5-on-Fashion-MNIST"). */
export function folderSafeName(name: string): string {
  const safe = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are not allowed in Windows file names
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return safe || 'project';
}

/** The runs folder of a project (see the module comment). */
export function projectRunsFolder(request: RunsFolderRequest): string {
  const chosen = request.runsFolder?.trim();
  if (chosen) return isAbsolute(chosen) ? chosen : resolve(request.cwd, chosen);
  if (request.projectPath) {
    const file = resolve(request.cwd, request.projectPath);
    return join(dirname(file), `${basename(file, extname(file))}.runs`);
  }
  return join(request.stateFolder, 'runs', folderSafeName(request.projectName));
}

/** `2026-11-25_10-30-12` for a local time. */
export function runFolderName(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())}_${two(time.getHours())}-${two(time.getMinutes())}-${two(time.getSeconds())}`;
}

/** A new, not yet existing run folder in `folder` (the folder itself is created). */
export async function newRunFolder(folder: string, time: Date): Promise<string> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw fileWriteError(folder, error, 'the runs folder');
  }
  const base = runFolderName(time);
  for (let n = 1; n < 1000; n++) {
    const candidate = join(folder, n === 1 ? base : `${base}-${n}`);
    if (!(await pathExists(candidate))) return candidate;
  }
  throw new StudioError('file-unwritable', `${folder} already holds a thousand runs started in the same second.`, { hint: 'Choose another runs folder.', where: folder });
}

/**
 * The runs in `folder`, newest first. Sub-folders that are not runs (no run.json) are passed over;
 * a damaged run is listed with status `failed` and the reason, so it can still be found and removed.
 */
export async function listProjectRuns(folder: string, live: ReadonlySet<string> = new Set()): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StudioError('file-unreadable', `The runs folder ${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, { hint: 'Check its permissions, or choose another runs folder.', where: folder });
  }
  const summaries = await Promise.all(names.map((name) => summarizeRun(join(folder, name), live)));
  return summaries.filter((s): s is RunSummary => s !== null).sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
}

async function summarizeRun(runDir: string, live: ReadonlySet<string>): Promise<RunSummary | null> {
  if (!(await pathExists(join(runDir, RUN_FILES.record)))) return null;
  const id = basename(runDir);
  try {
    const record = await readRunRecord(runDir);
    const epochs = await readEpochEvents(runDir);
    const metrics = (e: EpochEvent) => ({ epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy });
    const last = epochs.at(-1) ?? null;
    const best = record.bestEpoch === null ? null : (epochs.filter((e) => e.epoch === record.bestEpoch).at(-1) ?? null);
    const isLive = live.has(resolve(runDir));
    return {
      runDir,
      id,
      projectName: record.projectName,
      // A run this studio trains is live even while its run.json lags behind.
      status: isLive ? 'running' : record.status,
      message: record.message,
      createdAt: record.createdAt,
      finishedAt: record.finishedAt,
      epochsPlanned: record.epochsPlanned,
      epochsCompleted: record.epochsCompleted,
      bestEpoch: record.bestEpoch,
      backend: record.backend.label,
      datasetPath: record.datasetPath,
      last: last && metrics(last),
      best: best && metrics(best),
      hasWeights: record.finalWeights !== null || record.checkpoints.length > 0,
      live: isLive,
      kind: record.kind,
    };
  } catch (error) {
    const message = error instanceof StudioError ? error.message : `The run cannot be read: ${String(error)}`;
    return {
      runDir,
      id,
      projectName: '',
      status: 'failed',
      message,
      createdAt: '',
      finishedAt: null,
      epochsPlanned: 0,
      epochsCompleted: 0,
      bestEpoch: null,
      backend: '',
      datasetPath: '',
      last: null,
      best: null,
      hasWeights: false,
      live: false,
    };
  }
}

/**
 * Only the epoch lines of metrics.jsonl: a long run's file is mostly batch lines, and the history
 * lists many runs, so the others are not parsed.
 */
async function readEpochEvents(runDir: string): Promise<EpochEvent[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, RUN_FILES.metrics), 'utf8');
  } catch {
    return [];
  }
  const epochs: EpochEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"type":"epoch"')) continue;
    try {
      const parsed = epochEventSchema.safeParse(JSON.parse(line));
      if (parsed.success) epochs.push(parsed.data);
    } catch {
      // A torn line (a crash mid-append) is passed over, as readRunEvents does.
    }
  }
  return latestPerEpoch(epochs);
}

/** A resumed run may repeat an epoch it had begun; the last record of each epoch counts. */
function latestPerEpoch(epochs: readonly EpochEvent[]): EpochEvent[] {
  const byEpoch = new Map<number, EpochEvent>();
  for (const e of epochs) byEpoch.set(e.epoch, e);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** A batch event as a curve point. */
export function batchPoint(event: Extract<RunEvent, { type: 'batch' }>): BatchPoint {
  return { epoch: event.epoch, batch: event.batch, batches: event.batches, loss: event.loss, accuracy: event.accuracy };
}

/**
 * Keeps a curve at most `max` points long: every `step`-th point, evenly over the run, always with
 * the last one (where the curve ends now).
 */
export function thinCurve<T>(points: readonly T[], max = MAX_CURVE_POINTS): T[] {
  if (points.length <= max) return [...points];
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)]!);
  out.push(points[points.length - 1]!);
  return out;
}

/** A run's curves from its metrics.jsonl. */
export async function readRunMetrics(runDir: string): Promise<RunMetrics> {
  // run.json first: a folder that is not a run gets the run folder's own sentence.
  await readRunRecord(runDir);
  const { events, damagedLines } = await readRunEvents(runDir);
  let start: RunMetrics['start'] = null;
  let done: RunMetrics['done'] = null;
  const epochs: EpochEvent[] = [];
  const batches: BatchPoint[] = [];
  const statuses: RunMetrics['statuses'] = [];
  for (const event of events) {
    switch (event.type) {
      case 'start':
        // The first start names the run's size; a resumed run's later start says where it resumed.
        start ??= event;
        break;
      case 'epoch':
        epochs.push(event);
        break;
      case 'batch':
        batches.push(batchPoint(event));
        break;
      case 'status':
        statuses.push(event);
        break;
      case 'done':
        done = event;
        break;
      default:
        break;
    }
  }
  return { runDir, start, epochs: latestPerEpoch(epochs), batches: thinCurve(dropRepeatedBatches(batches)), statuses, done, damagedLines };
}

/** After a resume, batches of an epoch that was begun twice appear twice; the later attempt wins. */
function dropRepeatedBatches(points: readonly BatchPoint[]): BatchPoint[] {
  const out: BatchPoint[] = [];
  for (const p of points) {
    while (out.length && (out.at(-1)!.epoch > p.epoch || (out.at(-1)!.epoch === p.epoch && out.at(-1)!.batch >= p.batch))) out.pop();
    out.push(p);
  }
  return out;
}
