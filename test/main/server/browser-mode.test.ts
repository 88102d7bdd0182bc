import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode } from '../../../src/main/server/browser-mode';
import { createAppState } from '../../../src/main/services/app-state/app-state';
import { createAssetResolver } from '../../../src/main/services/resources/asset-resolver';
import { ask, openSocket } from './server-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-browser-mode-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'cnn-studio', version: '9.8.7' }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('browser mode', () => {
  it('says_in_a_sentence_when_the_window_is_not_built', async () => {
    const assets = createAssetResolver({ appRoot: dir });
    await expect(startBrowserMode({ cwd: dir, assets, port: 0, state: createAppState({ folder: join(dir, 'state') }) })).rejects.toThrow(
      `The window's page cannot be found: ${join(dir, 'out', 'renderer', 'index.html')} does not exist.`,
    );
  });

  it('serves_the_services_with_browser_modes_host_and_the_startup_project', async () => {
    await mkdir(join(dir, 'out', 'renderer'), { recursive: true });
    await writeFile(join(dir, 'out', 'renderer', 'index.html'), '<!doctype html>');
    const server = await startBrowserMode({ cwd: dir, assets: createAssetResolver({ appRoot: dir }), port: 0, openProject: '/p/start.cnnstudio', state: createAppState({ folder: join(dir, 'state') }), log: () => undefined });
    try {
      const ws = await openSocket(server.port, { token: server.token });
      expect(await ask(ws, 'app.info', {}, 1)).toMatchObject({ ok: true, result: { version: '9.8.7', mode: 'browser', nativeDialogs: false, startupProjectPath: '/p/start.cnnstudio' } });
      expect(await ask(ws, 'app.openDialog', {}, 2)).toMatchObject({ ok: false, error: { message: 'Browser mode has no native file dialogs.' } });
      ws.close();
    } finally {
      await server.close();
    }
  });
});
