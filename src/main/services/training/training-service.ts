import { dirname, isAbsolute, resolve } from 'node:path';
import type { TrainJobParams } from '../../../shared/api/engine-protocol';
import { StudioError } from '../../../shared/errors';
import { projectToFile } from '../../../shared/project/codec';
import type { Project } from '../../../shared/project/project';
import type { BackendChoice } from '../../../shared/project/settings';
import { clearInterruptedRunWrites } from '../runs/checkpoints';
import { RUN_FILES, readRunRecord, writeRunJson } from '../runs/run-folder';
import { readProjectFile } from '../project/project-files';
import { startPytorchTraining } from '../pytorch-engine';
import type { EngineLauncher } from './engine-channel';
import type { EngineJob, EngineJobOptions } from './engine-jobs';
import { startEngineJob } from './engine-jobs';

export interface TrainingRequest {
  /** The project, and the file it came from (relative dataset paths resolve beside it). */
  project: Project;
  projectPath: string | null;
  /** Overrides the project's dataset path (absolute, or relative to `cwd`). */
  dataPath?: string;
  runDir: string;
  backend?: BackendChoice;
  cwd: string;
  /** The Python of the PyTorch engine (a preference); otherwise CNN_STUDIO_PYTHON or the usual places. */
  python?: string | null;
}

/** Where a project's images are: an explicit path, else the project's dataset path beside the project file. */
export function resolveDatasetPath(project: Project, projectPath: string | null, dataPath: string | undefined, cwd: string): string {
  if (dataPath) return resolve(cwd, dataPath);
  const own = project.dataset.path;
  if (!own) {
    throw new StudioError('invalid-argument', `The project "${project.name}" has no dataset folder.`, {
      hint: 'Give one with --data DIR (a folder with one sub-folder per class), or choose it in the dataset panel.',
    });
  }
  if (isAbsolute(own)) return own;
  return resolve(projectPath ? dirname(projectPath) : cwd, own);
}

/** Starts training a project into a new run folder, in its own engine process. */
export function startTraining(launch: EngineLauncher, request: TrainingRequest, options: EngineJobOptions = {}): EngineJob<'train'> {
  const params: TrainJobParams = {
    runDir: resolve(request.cwd, request.runDir),
    project: projectToFile(request.project),
    projectPath: request.projectPath,
    datasetPath: resolveDatasetPath(request.project, request.projectPath, request.dataPath, request.cwd),
    resume: false,
    backend: request.backend ?? request.project.training.backend,
  };
  if (params.backend === 'pytorch') {
    const pytorch = { project: request.project, projectPath: request.projectPath, datasetPath: params.datasetPath, runDir: params.runDir, resume: false, python: request.python ?? null };
    return followCrash(params.runDir, startPytorchTraining(pytorch, options));
  }
  return followCrash(params.runDir, startEngineJob(launch, 'train', params, options));
}

/** Continues a stopped, failed or crashed run from its last checkpoint, with the run's own project. */
export async function resumeTraining(launch: EngineLauncher, runDir: string, options: EngineJobOptions & { backend?: BackendChoice } = {}): Promise<EngineJob<'train'>> {
  const record = await readRunRecord(runDir);
  if (record.status === 'running') {
    throw new StudioError('invalid-argument', `The run in ${runDir} is still training (process ${record.pid}).`, { hint: 'Stop it first, or wait for it to finish.', where: runDir });
  }
  if (record.kind === 'baseline') {
    // Its network reads image features, not images: only "cnn-studio baseline" trains it.
    throw new StudioError('invalid-argument', `The run in ${runDir} is a hand-crafted baseline, which cannot be resumed.`, { hint: 'Train a new baseline with "cnn-studio baseline".', where: runDir });
  }
  const project = await readProjectFile(resolve(runDir, RUN_FILES.project));
  const params: TrainJobParams = {
    runDir,
    project: projectToFile(project),
    projectPath: record.projectPath,
    datasetPath: record.datasetPath,
    resume: true,
    backend: options.backend ?? record.training.backend,
  };
  if (params.backend === 'pytorch') {
    return followCrash(runDir, startPytorchTraining({ project, projectPath: record.projectPath, datasetPath: record.datasetPath, runDir, resume: true }, options));
  }
  return followCrash(runDir, startEngineJob(launch, 'train', params, options));
}

/**
 * When the engine dies, the run is marked crashed (with the reason) before the job's promise rejects,
 * so the run is never taken for a finished or a live one.
 */
function followCrash(runDir: string, job: EngineJob<'train'>): EngineJob<'train'> {
  const result = job.result.catch(async (error: unknown) => {
    if (error instanceof StudioError && error.code === 'engine-crashed') await markCrashed(runDir, error);
    throw error;
  });
  return { ...job, result };
}

async function markCrashed(runDir: string, error: StudioError): Promise<void> {
  // A process killed mid-write leaves temporary files and partial checkpoints: none stay behind.
  await clearInterruptedRunWrites(runDir).catch(() => undefined);
  try {
    const record = await readRunRecord(runDir);
    if (record.status === 'crashed' || record.status === 'running') {
      await writeRunJson(runDir, RUN_FILES.record, { ...record, status: 'crashed', message: `${error.message} ${error.hint ?? ''}`.trim(), pid: null, updatedAt: new Date().toISOString() });
    }
  } catch {
    // No run.json yet: the engine died before the run started, so there is nothing to mark.
  }
}
