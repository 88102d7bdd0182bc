import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppState } from '../../../../src/main/services/app-state/app-state';
import type { AppState } from '../../../../src/main/services/app-state/app-state';
import type { ApiHandlers } from '../../../../src/main/services/api/handler-table';
import type { StudioHost } from '../../../../src/main/services/api/studio-host';
import { createBrowserHost } from '../../../../src/main/services/api/studio-host';
import { createStudioHandlers } from '../../../../src/main/services/api/studio-handlers';
import { defaultAssetResolver } from '../../../../src/main/services/resources/asset-resolver';

/** A handler table over a fresh state folder and working folder, and the cleanup. */
export interface HandlerFixture {
  handlers: ApiHandlers;
  state: AppState;
  /** A throw-away folder: the working folder of relative paths, and the state folder below it. */
  dir: string;
  logged: string[];
  cleanup(): Promise<void>;
}

/** The real handlers (browser mode's host unless another is given) over temporary folders. */
export async function createHandlerFixture(host: StudioHost = createBrowserHost()): Promise<HandlerFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cnn-api-'));
  const logged: string[] = [];
  const state = createAppState({ folder: join(dir, 'state'), log: (line) => logged.push(line) });
  const handlers = createStudioHandlers({ host, state, assets: defaultAssetResolver(), cwd: dir });
  return { handlers, state, dir, logged, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
