import { resolve } from 'node:path';
import { listProjectRuns, projectRunsFolder, readRunMetrics } from '../runs/project-runs';
import type { RunManager } from '../training/run-manager';
import type { ApiHandlers } from './handler-table';

export interface RunsHandlerDeps {
  runs: RunManager;
  stateFolder: string;
  cwd: string;
}

/** The run history of a project, and the curves of one run. */
export function createRunsHandlers(deps: RunsHandlerDeps): Pick<ApiHandlers, 'runs.list' | 'runs.metrics'> {
  const { cwd } = deps;
  return {
    async 'runs.list'({ projectPath, projectName, runsFolder }) {
      const folder = projectRunsFolder({ projectPath, projectName, runsFolder, stateFolder: deps.stateFolder, cwd });
      return { folder, runs: await listProjectRuns(folder, deps.runs.liveRunDirs()) };
    },
    'runs.metrics': ({ runDir }) => readRunMetrics(resolve(cwd, runDir)),
  };
}
