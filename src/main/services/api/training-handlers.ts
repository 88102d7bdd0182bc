import { projectFromFile } from '../../../shared/project/codec';
import { newRunFolder, projectRunsFolder } from '../runs/project-runs';
import type { RunManager } from '../training/run-manager';
import type { ApiHandlers } from './handler-table';

type TrainingMethod = 'training.start' | 'training.resumeRun' | 'training.pause' | 'training.resume' | 'training.stop' | 'training.active';

export interface TrainingHandlerDeps {
  runs: RunManager;
  /** The per-user state folder (the runs of unsaved projects go below it). */
  stateFolder: string;
  cwd: string;
  now?: () => Date;
}

/** Training from the window: each start makes a new run folder in the project's runs folder. */
export function createTrainingHandlers(deps: TrainingHandlerDeps): Pick<ApiHandlers, TrainingMethod> {
  const { runs, cwd } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    async 'training.start'({ project: file, projectPath, runsFolder }) {
      const project = projectFromFile(file);
      const folder = projectRunsFolder({ projectPath, projectName: project.name, runsFolder, stateFolder: deps.stateFolder, cwd });
      const runDir = await newRunFolder(folder, now());
      const run = runs.start({ project, projectPath, runDir });
      return { runId: run.runId, runDir: run.runDir };
    },
    async 'training.resumeRun'({ runDir }) {
      const run = await runs.resumeRun(runDir);
      return { runId: run.runId, runDir: run.runDir };
    },
    'training.pause'({ runId }) {
      runs.pause(runId);
      return {};
    },
    'training.resume'({ runId }) {
      runs.resume(runId);
      return {};
    },
    'training.stop'({ runId }) {
      runs.stop(runId);
      return {};
    },
    'training.active': () => ({ runs: runs.snapshots() }),
  };
}
