import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetResolver } from '../resources/asset-resolver';
import type { ApiHandlers } from './handler-table';
import type { StudioHost } from './studio-host';

type AppMethod = 'app.info' | 'app.openDialog' | 'app.saveDialog' | 'app.showInFolder' | 'app.setDocumentState';

/** The studio's version, from its package.json. */
export function studioVersion(assets: Pick<AssetResolver, 'appRoot'>): string {
  try {
    const version = (JSON.parse(readFileSync(join(assets.appRoot, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `app.info` and the host's own operations (dialogs, file manager, window state). */
export function createAppHandlers(deps: { host: StudioHost; assets: AssetResolver; platform?: string }): Pick<ApiHandlers, AppMethod> {
  const { host, assets } = deps;
  const version = studioVersion(assets);
  return {
    'app.info': () => ({
      version,
      mode: host.mode,
      nativeDialogs: host.nativeDialogs,
      platform: deps.platform ?? process.platform,
      sampleProjectPath: assets.path('sampleProject'),
      startupProjectPath: host.startupProjectPath(),
    }),
    async 'app.openDialog'(request) {
      return { path: await host.openDialog(request) };
    },
    async 'app.saveDialog'(request) {
      return { path: await host.saveDialog(request) };
    },
    async 'app.showInFolder'({ path }) {
      await host.showInFolder(path);
      return {};
    },
    'app.setDocumentState'(state) {
      host.setDocumentState(state);
      return {};
    },
  };
}
