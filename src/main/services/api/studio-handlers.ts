import type { AppState } from '../app-state/app-state';
import type { AssetResolver } from '../resources/asset-resolver';
import type { EngineLauncher } from '../training/engine-channel';
import { forkEngine } from '../training/engine-channel';
import type { RunManager } from '../training/run-manager';
import { createRunManager } from '../training/run-manager';
import { studioVersion } from '../resources/studio-version';
import { createAppHandlers } from './app-handlers';
import { createDatasetHandlers } from './dataset-handlers';
import { createDatasetScans } from './dataset-scans';
import { NO_EVENTS } from './event-sink';
import { createEvaluationHandlers } from './evaluation-handlers';
import { createExportHandlers } from './export-handlers';
import type { ApiHandlers } from './handler-table';
import { createHogHandlers } from './hog-handlers';
import { createInsightHandlers } from './insight-handlers';
import { createPredictionHandlers } from './prediction-handlers';
import { createProjectHandlers } from './project-handlers';
import { createPytorchHandlers } from './pytorch-handlers';
import { createRunsHandlers } from './runs-handlers';
import type { StudioHost } from './studio-host';
import { createTemplateHandlers } from './template-handlers';
import { createTrainingHandlers } from './training-handlers';

export interface StudioServices {
  host: StudioHost;
  state: AppState;
  assets: AssetResolver;
  /** Relative paths from the window are resolved here. */
  cwd: string;
  /** Starts engine processes (evaluation, prediction, export); a forked Node process unless the host has its own (Electron's utilityProcess). */
  launchEngine?: EngineLauncher;
  /**
   * The host's training runs. The host makes it, with events to every window, and stops it when it
   * closes; without one (tests of other areas) the runs' events go nowhere.
   */
  runs?: RunManager;
}

/** Every method's handler, for a host (Electron or browser mode); both dispatch through the same table. */
export function createStudioHandlers(services: StudioServices): ApiHandlers {
  const launch = services.launchEngine ?? forkEngine;
  const runs = services.runs ?? createRunManager({ launch, events: NO_EVENTS, cwd: services.cwd });
  const { cwd } = services;
  const stateFolder = services.state.folder;
  return {
    ...createTemplateHandlers(),
    ...createProjectHandlers(services),
    ...createAppHandlers(services),
    ...createDatasetHandlers({ scans: createDatasetScans(), cwd }),
    ...createTrainingHandlers({ runs, stateFolder, cwd }),
    ...createRunsHandlers({ runs, stateFolder, cwd }),
    ...createEvaluationHandlers({ launch, cwd }),
    ...createPredictionHandlers({ launch, cwd }),
    ...createExportHandlers({ launch, cwd, version: studioVersion(services.assets) }),
    ...createInsightHandlers({ launch, cwd }),
    ...createHogHandlers({ launch, cwd }),
    ...createPytorchHandlers({ cwd, stateFolder, version: studioVersion(services.assets) }),
  };
}
