import type { AppState } from '../services/app-state/app-state';
import { createAppState } from '../services/app-state/app-state';
import { createBrowserHost } from '../services/api/studio-host';
import { createEventRelay } from '../services/api/event-relay';
import { createStudioHandlers } from '../services/api/studio-handlers';
import type { AssetResolver } from '../services/resources/asset-resolver';
import { defaultAssetResolver } from '../services/resources/asset-resolver';
import { forkEngine } from '../services/training/engine-channel';
import { createRunManager } from '../services/training/run-manager';
import type { StudioServer } from './studio-server';
import { startStudioServer } from './studio-server';

export interface BrowserModeOptions {
  host?: string;
  port?: number;
  /** An absolute project path the page opens at start. */
  openProject?: string | null;
  /** Relative paths typed in the page are taken from here. */
  cwd: string;
  /** Where refusals and defects go. */
  log?: (line: string) => void;
  token?: string;
  /** Overrides for tests: another state folder, another app root. */
  state?: AppState;
  assets?: AssetResolver;
}

/** `cnn-studio serve`: the services with browser mode's host, behind the token-guarded server. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<StudioServer> {
  const assets = options.assets ?? defaultAssetResolver();
  // Checked now, so a missing build is one sentence at start rather than 404s in the browser.
  assets.require('rendererIndex');
  const rendererRoot = assets.require('rendererBundle');
  // Training belongs to the server, not to a page: every page (a reloaded one too) follows its runs.
  const toPages = createEventRelay();
  const runs = createRunManager({ launch: forkEngine, events: toPages, cwd: options.cwd, ...(options.log ? { log: options.log } : {}) });
  const handlers = createStudioHandlers({
    host: createBrowserHost({ startupProjectPath: options.openProject ?? null }),
    state: options.state ?? createAppState(options.log ? { log: options.log } : {}),
    assets,
    cwd: options.cwd,
    runs,
  });
  const server = await startStudioServer({
    rendererRoot,
    handlers,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.log ? { log: options.log } : {}),
  }).catch(async (error: unknown) => {
    await runs.dispose();
    throw error;
  });
  toPages.connect(server.events);
  return {
    ...server,
    // A run in progress is stopped cleanly (its weights saved) before the server goes.
    close: async () => {
      await runs.dispose();
      await server.close();
    },
  };
}
