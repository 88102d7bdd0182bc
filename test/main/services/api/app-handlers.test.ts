import { describe, expect, it } from 'vitest';
import { NO_EVENTS } from '../../../../src/main/services/api/event-sink';
import type { StudioHost } from '../../../../src/main/services/api/studio-host';
import { createBrowserHost } from '../../../../src/main/services/api/studio-host';
import { createAppHandlers } from '../../../../src/main/services/api/app-handlers';
import { studioVersion } from '../../../../src/main/services/resources/studio-version';
import { defaultAssetResolver } from '../../../../src/main/services/resources/asset-resolver';
import { appInfoSchema } from '../../../../src/shared/api/methods/project';
import { StudioError } from '../../../../src/shared/errors';

const assets = defaultAssetResolver();
const ctx = { events: NO_EVENTS };

describe('app handlers', () => {
  it('describes_browser_mode', async () => {
    const handlers = createAppHandlers({ host: createBrowserHost({ startupProjectPath: '/p/start.cnnstudio' }), assets, platform: 'linux' });
    const info = appInfoSchema.parse(await handlers['app.info']({}, ctx));
    expect(info).toEqual({
      version: studioVersion(assets),
      mode: 'browser',
      nativeDialogs: false,
      platform: 'linux',
      sampleProjectPath: assets.path('sampleProject'),
      startupProjectPath: '/p/start.cnnstudio',
    });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers_dialogs_and_the_file_manager_with_a_sentence_in_browser_mode', async () => {
    const handlers = createAppHandlers({ host: createBrowserHost(), assets });
    await expect(handlers['app.openDialog']({}, ctx)).rejects.toThrow(/^Browser mode has no native file dialogs\.$/);
    await expect(handlers['app.saveDialog']({ title: 'Save' }, ctx)).rejects.toBeInstanceOf(StudioError);
    await expect(handlers['app.showInFolder']({ path: '/p/a.cnnstudio' }, ctx)).rejects.toThrow(/the file is \/p\/a\.cnnstudio/);
    expect(await handlers['app.setDocumentState']({ title: 'x', dirty: true }, ctx)).toEqual({});
  });

  it('passes_the_host_operations_to_the_host', async () => {
    const calls: unknown[] = [];
    const host: StudioHost = {
      mode: 'electron',
      nativeDialogs: true,
      startupProjectPath: () => null,
      openDialog: async (r) => (calls.push(['open', r]), '/chosen.cnnstudio'),
      saveDialog: async () => null,
      showInFolder: async (p) => void calls.push(['show', p]),
      setDocumentState: (s) => void calls.push(['state', s]),
    };
    const handlers = createAppHandlers({ host, assets });
    expect(await handlers['app.openDialog']({ title: 'Open' }, ctx)).toEqual({ path: '/chosen.cnnstudio' });
    expect(await handlers['app.saveDialog']({}, ctx)).toEqual({ path: null });
    await handlers['app.showInFolder']({ path: '/x' }, ctx);
    await handlers['app.setDocumentState']({ title: 'T', dirty: true, recoveryKey: 'k' }, ctx);
    expect(calls).toEqual([['open', { title: 'Open' }], ['show', '/x'], ['state', { title: 'T', dirty: true, recoveryKey: 'k' }]]);
    expect((await handlers['app.info']({}, ctx)).mode).toBe('electron');
  });
});
