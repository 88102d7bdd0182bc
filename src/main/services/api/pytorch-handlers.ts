import { resolve } from 'node:path';
import { exportPytorchPackage } from '../export/pytorch';
import type { FindTorchPythonOptions, TorchPythonSearch } from '../pytorch-engine';
import { INSTALL_TORCH_HINT, findTorchPython } from '../pytorch-engine';
import { importRun } from '../runs/import-run';
import { newRunFolder, projectRunsFolder } from '../runs/project-runs';
import type { ApiHandlers } from './handler-table';

type PytorchMethod = 'pytorch.status' | 'pytorch.export' | 'pytorch.importRun';

export interface PytorchHandlerDeps {
  cwd: string;
  /** The per-user state folder (the runs of unsaved projects go below it). */
  stateFolder: string;
  /** Written into the package's files. */
  version: string;
  /** Finds the Python of the PyTorch engine (tests give their own). */
  findPython?: (options?: FindTorchPythonOptions) => Promise<TorchPythonSearch>;
  now?: () => Date;
}

/**
 * PyTorch in the window: whether the local PyTorch engine can run here, the training package as an
 * export (plain file writing: no engine process needed), and "Open run…", which brings a run trained
 * elsewhere into the open project's runs folder exactly as `cnn-studio import-run --out` would.
 */
export function createPytorchHandlers(deps: PytorchHandlerDeps): Pick<ApiHandlers, PytorchMethod> {
  const { cwd } = deps;
  const find = deps.findPython ?? findTorchPython;
  const now = deps.now ?? (() => new Date());
  return {
    async 'pytorch.status'() {
      const search = await find();
      return { found: search.found, tried: search.tried, hint: INSTALL_TORCH_HINT };
    },

    async 'pytorch.export'({ source, out }) {
      const result = await exportPytorchPackage({ source: resolve(cwd, source), out: resolve(cwd, out), producerVersion: deps.version });
      return { dir: result.dir, files: result.files, howToRun: result.howToRun, warnings: result.warnings };
    },

    async 'pytorch.importRun'({ dir, projectPath, projectName, runsFolder, dataPath }) {
      const folder = projectRunsFolder({ projectPath, projectName, runsFolder, stateFolder: deps.stateFolder, cwd });
      const target = await newRunFolder(folder, now());
      const result = await importRun(dir, {
        cwd,
        out: target,
        ...(projectPath ? { projectPath: resolve(cwd, projectPath) } : {}),
        ...(dataPath ? { dataPath } : {}),
      });
      const r = result.record;
      return {
        runDir: result.runDir,
        projectName: r.projectName,
        status: r.status,
        epochsCompleted: r.epochsCompleted,
        epochsPlanned: r.epochsPlanned,
        backend: r.backend.label,
        weightsFrom: result.weightsFrom,
        warnings: result.warnings,
      };
    },
  };
}
