import type { AppState } from '../app-state/app-state';
import type { AssetResolver } from '../resources/asset-resolver';
import { createAppHandlers } from './app-handlers';
import type { ApiHandlers } from './handler-table';
import { createProjectHandlers } from './project-handlers';
import type { StudioHost } from './studio-host';
import { createTemplateHandlers } from './template-handlers';

export interface StudioServices {
  host: StudioHost;
  state: AppState;
  assets: AssetResolver;
  /** Relative paths from the window are resolved here. */
  cwd: string;
}

/** Every method's handler, for a host (Electron or browser mode); both dispatch through the same table. */
export function createStudioHandlers(services: StudioServices): ApiHandlers {
  return {
    ...createTemplateHandlers(),
    ...createProjectHandlers(services),
    ...createAppHandlers(services),
  };
}
