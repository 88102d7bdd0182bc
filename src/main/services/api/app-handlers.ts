import { studioVersion } from '../resources/studio-version';
import type { AssetResolver } from '../resources/asset-resolver';
import type { ApiHandlers } from './handler-table';
import type { StudioHost } from './studio-host';

type AppMethod = 'app.info' | 'app.openDialog' | 'app.saveDialog' | 'app.showInFolder' | 'app.setDocumentState';


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
