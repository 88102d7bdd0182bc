import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { EngineJobResult } from '../../../shared/api/engine-protocol';
import type { StudioErrorCode } from '../../../shared/errors';
import { StudioError } from '../../../shared/errors';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { preprocessingSchema } from '../../../shared/project/preprocessing';
import type { Project } from '../../../shared/project/project';
import type { RunEvent } from '../../../shared/run/run-events';
import { runEventSchema } from '../../../shared/run/run-events';
import type { WeightSet } from '../../../shared/weights';
import { buildPytorchPackage, checkWeightsFit, flatGraphOf, readPythonSources } from '../export/pytorch';
import { writeFileAtomic } from '../files/atomic-write';
import { RUN_FILES } from '../runs/run-folder';
import { checkRunFolderFree } from '../runs/run-writer';
import { readWeightsFolder } from '../runs/weights-folder';
import type { EngineJob, EngineJobOptions } from '../training/engine-jobs';
import type { TorchPython } from './python-finder';
import { INSTALL_TORCH_HINT, describeSearch, findTorchPython } from './python-finder';

/** A training run on the local PyTorch engine: the same inputs as the TF.js engine's train job. */
export interface PytorchTrainingRequest {
  project: Project;
  /** Where the project file lives (its relative initial-weights path resolves beside it). */
  projectPath: string | null;
  /** The image folder, absolute. */
  datasetPath: string;
  /** The run folder, absolute: new (or empty), or the run to resume. */
  runDir: string;
  resume: boolean;
  /** A Python chosen by the user; otherwise CNN_STUDIO_PYTHON or the usual places. */
  python?: string | null;
  /** Batch events at most this often (ms). Default 250, as the TF.js engine. */
  batchEventInterval?: number;
  /** CPU threads for torch; default: CNN_STUDIO_TORCH_THREADS, else torch's own choice. */
  threads?: number;
  producerVersion?: string;
}

type TrainResult = EngineJobResult<'train'>;

/** Words of the control file train.py polls between batches. */
type ControlWord = 'run' | 'pause' | 'stop';

/** Environment variables of torchrun's contract: a local single process must not inherit them. */
const JOB_VARIABLES = ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'GROUP_RANK', 'ROLE_RANK'];

const KNOWN_CODES = new Set<StudioErrorCode>(['invalid-project', 'invalid-graph', 'invalid-argument', 'dataset-invalid', 'backend-unavailable', 'training-failed', 'run-invalid', 'file-unwritable', 'disk-full', 'internal']);

/**
 * Trains with the PyTorch package as a local engine: the package is generated into a temporary
 * folder and its train.py runs as one Python process that writes the same run folder and the same
 * RunEvents (read from its stdout) as the TF.js engine. Pause, resume and stop go through a control
 * file the process polls between batches.
 */
export function startPytorchTraining(request: PytorchTrainingRequest, options: EngineJobOptions = {}): EngineJob<'train'> {
  let child: ChildProcess | null = null;
  let controlPath: string | null = null;
  let wanted: ControlWord = 'run';
  let killed = false;
  const setControl = (word: ControlWord) => {
    wanted = word;
    if (controlPath) void writeFileAtomic(controlPath, word).catch(() => undefined);
  };

  const result = (async (): Promise<TrainResult> => {
    const search = await findTorchPython({ python: request.python ?? null });
    if (!search.found) {
      throw new StudioError('backend-unavailable', `The PyTorch engine needs Python 3 with torch, and none was found (${describeSearch(search)}).`, { hint: INSTALL_TORCH_HINT });
    }
    const python = search.found;
    const packageDir = await preparePackage(request);
    try {
      controlPath = join(packageDir, 'control');
      await writeFileAtomic(controlPath, wanted);
      if (killed) throw new StudioError('cancelled', 'The PyTorch training was cancelled before it started.');
      child = spawn(python.command, trainArguments(request, packageDir, controlPath, python), {
        cwd: packageDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: engineEnvironment(),
        windowsHide: true,
      });
      return await follow(child, request, options);
    } finally {
      await rm(packageDir, { recursive: true, force: true }).catch(() => undefined);
    }
  })();

  const onAbort = () => setControl('stop');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  void result.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => undefined);
  return {
    id: randomUUID(),
    get pid() {
      return child?.pid;
    },
    result,
    pause: () => setControl('pause'),
    resume: () => setControl('run'),
    stop: () => setControl('stop'),
    kill() {
      killed = true;
      child?.kill('SIGKILL');
    },
  };
}

/** The package for this run, in a fresh temporary folder (removed when the run ends). */
async function preparePackage(request: PytorchTrainingRequest): Promise<string> {
  const flat = flatGraphOf(request.project.name, request.project.graph);
  let weights: WeightSet | null = null;
  let labels: string[] | null = null;
  let preprocessing: Preprocessing | null = null;
  if (request.resume) {
    // The run's own classes and preprocessing, so the resumed epochs read the images as before.
    labels = await readRunJson(request.runDir, RUN_FILES.labels, z.array(z.string().min(1)).min(1));
    preprocessing = await readRunJson(request.runDir, RUN_FILES.preprocessing, preprocessingSchema);
  } else {
    await checkRunFolderFree(request.runDir);
    const initial = request.project.initialWeights;
    if (initial) {
      const folder = isAbsolute(initial.path) || !request.projectPath ? initial.path : resolve(dirname(request.projectPath), initial.path);
      weights = await readWeightsFolder(folder);
      checkWeightsFit(flat, weights, `The initial weights in ${folder}`);
    }
  }
  const files = buildPytorchPackage({
    flat,
    project: request.project,
    projectPath: request.projectPath,
    source: { kind: 'project', path: request.projectPath ?? request.project.name },
    weights,
    labels,
    preprocessing,
    producerVersion: request.producerVersion ?? '0.0.0',
    pythonSources: await readPythonSources(),
  });
  const dir = await mkdtemp(join(tmpdir(), 'cnn-studio-pytorch-'));
  try {
    for (const file of files) await writeFileAtomic(join(dir, file.name), file.data, { what: 'the PyTorch package' });
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  return dir;
}

async function readRunJson<T>(runDir: string, file: string, schema: z.ZodType<T>): Promise<T> {
  const path = join(runDir, file);
  try {
    return schema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    throw new StudioError('run-invalid', `${path} is missing or damaged, so the run cannot resume.`, { hint: 'Start a new run.', where: path });
  }
}

function trainArguments(request: PytorchTrainingRequest, packageDir: string, controlPath: string, python: TorchPython): string[] {
  const device = python.device.kind === 'cuda' ? `its GPU (${python.device.name})` : python.device.kind === 'mps' ? "Apple's MPS" : 'the CPU';
  const reason = `Chosen as the PyTorch engine: ${python.executable} (Python ${python.pythonVersion}) has torch ${python.torchVersion}, which trains on ${device}.`;
  const args = [join(packageDir, 'train.py'), '--data', request.datasetPath, '--out', request.runDir, '--json'];
  args.push('--batch-event-ms', String(request.batchEventInterval ?? 250), '--control', controlPath, '--studio-engine', reason);
  const threads = request.threads ?? Number(process.env.CNN_STUDIO_TORCH_THREADS ?? 0);
  if (Number.isInteger(threads) && threads > 0) args.push('--threads', String(threads));
  if (request.resume) args.push('--resume');
  return args;
}

function engineEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
  for (const name of JOB_VARIABLES) delete env[name];
  return env;
}

/** Forwards the process's events and turns its end into the job's result. */
function follow(child: ChildProcess, request: PytorchTrainingRequest, options: EngineJobOptions): Promise<TrainResult> {
  return new Promise((resolveResult, reject) => {
    let done: Extract<RunEvent, { type: 'done' }> | null = null;
    let failure: Extract<RunEvent, { type: 'error' }> | null = null;
    const stderrTail: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = parseEvent(line);
      if (!event) {
        if (line.trim()) options.onLog?.('info', line);
        return;
      }
      if (event.type === 'done') done = event;
      if (event.type === 'error') failure = event;
      options.onEvent?.(event);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      options.onLog?.('warn', line);
    });
    child.on('error', (error) => {
      reject(new StudioError('backend-unavailable', `The PyTorch engine could not be started (${error.message}).`, { hint: INSTALL_TORCH_HINT }));
    });
    child.on('close', (code, signal) => {
      const finished = done as Extract<RunEvent, { type: 'done' }> | null;
      const failed = failure as Extract<RunEvent, { type: 'error' }> | null;
      if (finished) {
        resolveResult({ status: finished.status, runDir: request.runDir, epochs: finished.epochs, bestEpoch: finished.bestEpoch });
      } else if (failed) {
        const code = KNOWN_CODES.has(failed.code as StudioErrorCode) ? (failed.code as StudioErrorCode) : 'training-failed';
        reject(new StudioError(code, failed.message, { ...(failed.hint ? { hint: failed.hint } : {}), ...(failed.where ? { where: failed.where } : {}) }));
      } else {
        const how = signal === 'SIGKILL' ? 'was killed (SIGKILL; the system does this when memory runs out)' : signal ? `was ended by ${signal}` : `exited with code ${code}`;
        const last = stderrTail.filter((l) => l.trim()).slice(-3).join(' ');
        reject(
          new StudioError('engine-crashed', `The PyTorch training process ${how} before finishing${last ? `: ${last}` : ''}.`, {
            hint: 'The run folder keeps every completed checkpoint; resume it with "cnn-studio train --resume RUNDIR".',
          }),
        );
      }
    });
  });
}

function parseEvent(line: string): RunEvent | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed = runEventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
