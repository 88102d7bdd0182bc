import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secureWebPreferences } from '../../../src/main/app/window-options';
import { defaultAssetResolver } from '../../../src/main/services/resources/asset-resolver';
import { IPC_CHANNELS } from '../../../src/shared/api/bridge';

/**
 * The desktop app's wiring (src/main/app/index.ts) against a recording stand-in for Electron: the
 * binary cannot run here, so this checks what the main process installs — the window's preferences,
 * the page it loads, the IPC handler, the session's policy and permission handlers, the guards on
 * every web contents, the menu — and that a menu item reaches the page as an event. It loads the
 * preload and page paths of the build in out/ (npm test builds before Vitest runs).
 */
type Listener = (...args: unknown[]) => unknown;
const fake = vi.hoisted(() => {
  const on = () => {
    const listeners = new Map<string, Listener[]>();
    return {
      listeners,
      on(event: string, listener: Listener) {
        listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      },
      emit(event: string, ...args: unknown[]) {
        return (listeners.get(event) ?? []).map((l) => l(...args));
      },
    };
  };
  const state = {
    windows: [] as { options: Record<string, unknown>; loaded: string[]; sent: [string, unknown][]; contents: ReturnType<typeof on> & Record<string, unknown> }[],
    ipc: new Map<string, Listener>(),
    menu: null as unknown,
    headers: null as Listener | null,
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    app: on(),
    opened: [] as string[],
  };
  class BrowserWindow {
    private events = on();
    webContents: Record<string, unknown>;
    constructor(readonly options: Record<string, unknown>) {
      const contents = Object.assign(on(), {
        send: (channel: string, message: unknown) => record.sent.push([channel, message]),
        setWindowOpenHandler: () => undefined,
        executeJavaScript: async () => false,
      });
      this.webContents = contents;
      const record = { options, loaded: [] as string[], sent: [] as [string, unknown][], contents };
      state.windows.push(record);
      (this as unknown as { record: typeof record }).record = record;
    }
    on(event: string, listener: Listener) {
      this.events.on(event, listener);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    async loadFile(path: string) {
      (this as unknown as { record: { loaded: string[] } }).record.loaded.push(path);
    }
    async loadURL(url: string) {
      (this as unknown as { record: { loaded: string[] } }).record.loaded.push(url);
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    isMaximized = () => false;
    isFullScreen = () => false;
    getNormalBounds = () => ({ x: 1, y: 2, width: 1200, height: 800 });
    maximize = () => undefined;
    setFullScreen = () => undefined;
    setTitle = () => undefined;
    setDocumentEdited = () => undefined;
    show = () => undefined;
    focus = () => undefined;
    restore = () => undefined;
    close = () => undefined;
  }
  const electron = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: () => true,
      on: state.app.on,
      whenReady: () => Promise.resolve(),
      isReady: () => true,
      quit: () => undefined,
      addRecentDocument: () => undefined,
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, listener: Listener) => state.ipc.set(channel, listener), removeHandler: (channel: string) => state.ipc.delete(channel) },
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: (menu: unknown) => (state.menu = menu) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l: Listener) => (state.headers = l) },
        setPermissionRequestHandler: (l: Listener) => (state.permissionRequest = l),
        setPermissionCheckHandler: (l: Listener) => (state.permissionCheck = l),
      },
    },
    shell: { openExternal: async (url: string) => void state.opened.push(url), showItemInFolder: () => undefined },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }), showMessageBox: async () => ({ response: 1 }) },
    nativeTheme: { shouldUseDarkColors: false },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
  return { state, electron };
});
vi.mock('electron', () => fake.electron);

const assets = defaultAssetResolver();
const APP_URL = pathToFileURL(assets.path('rendererIndex')).href;
const START = '/home/me/projects/start.cnnstudio';
let home: string;
const saved = { argv: process.argv, home: process.env.CNN_STUDIO_HOME };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'cnn-electron-'));
  process.env.CNN_STUDIO_HOME = home;
  process.argv = [process.argv[0]!, '.', START];
  await import('../../../src/main/app/index');
  // whenReady's chain: session, handlers, menu, window.
  await vi.waitFor(() => expect(fake.state.windows[0]?.loaded).toHaveLength(1));
});
afterAll(async () => {
  process.argv = saved.argv;
  if (saved.home === undefined) delete process.env.CNN_STUDIO_HOME;
  else process.env.CNN_STUDIO_HOME = saved.home;
  await rm(home, { recursive: true, force: true });
});

const call = (frameUrl: string, method: string, params: unknown = {}) =>
  fake.state.ipc.get(IPC_CHANNELS.request)!({ senderFrame: { url: frameUrl, parent: null } }, { kind: 'request', id: 1, method, params }) as Promise<unknown>;

describe('the Electron main process (with a stand-in for Electron)', () => {
  it('opens_one_window_with_the_secure_preferences_and_the_built_page', () => {
    expect(fake.state.windows).toHaveLength(1);
    const [win] = fake.state.windows;
    expect(win!.options.webPreferences).toEqual(secureWebPreferences(assets.path('preload')));
    expect(win!.options.show).toBe(false);
    expect(win!.loaded).toEqual([assets.path('rendererIndex')]);
  });

  it('answers_the_page_over_ipc_as_the_electron_host_with_the_file_from_the_command_line', async () => {
    expect(await call(APP_URL, 'app.info')).toMatchObject({ ok: true, result: { mode: 'electron', nativeDialogs: true, startupProjectPath: START } });
    expect(await call(APP_URL, 'app.openDialog')).toEqual({ kind: 'response', id: 1, ok: true, result: { path: null } });
    expect(await call('https://evil.example/', 'app.info')).toMatchObject({ ok: false, error: { message: 'Only the studio window may call its services.' } });
  });

  it('adds_the_content_security_policy_to_every_response_and_refuses_permissions', () => {
    let answer: unknown;
    fake.state.headers!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (a: unknown) => (answer = a));
    expect(answer).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [expect.stringContaining("script-src 'self'")] } });
    let granted: boolean | undefined;
    fake.state.permissionRequest!({}, 'media', (g: boolean) => (granted = g), { requestingUrl: APP_URL });
    expect(granted).toBe(false);
    expect(fake.state.permissionCheck!({}, 'geolocation', 'file:///', { requestingUrl: APP_URL })).toBe(false);
    expect(fake.state.permissionCheck!({}, 'clipboard-sanitized-write', 'file:///', { requestingUrl: APP_URL })).toBe(true);
  });

  it('guards_every_web_contents_against_navigation_and_new_windows', () => {
    const listeners = new Map<string, Listener>();
    let openHandler: Listener | null = null;
    const contents = { on: (e: string, l: Listener) => listeners.set(e, l), setWindowOpenHandler: (h: Listener) => (openHandler = h) };
    fake.state.app.emit('web-contents-created', {}, contents);
    let prevented = false;
    listeners.get('will-navigate')!({ url: 'https://evil.example/', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(openHandler!({ url: 'https://example.org/paper' })).toEqual({ action: 'deny' });
    expect(fake.state.opened).toEqual(['https://evil.example/', 'https://example.org/paper']);
  });

  it('sends_menu_items_to_the_page_as_app_menuCommand_events', () => {
    const template = (fake.state.menu as { template: MenuItemConstructorOptions[] }).template;
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const save = (template[0]!.submenu as MenuItemConstructorOptions[]).find((i) => i.id === 'file.save')!;
    (save.click as unknown as () => void)();
    expect(fake.state.windows[0]!.sent).toEqual([[IPC_CHANNELS.event, { kind: 'event', event: 'app.menuCommand', payload: { command: 'file.save' } }]]);
  });

  it('opens_a_file_from_a_second_launch_in_the_running_window', () => {
    fake.state.app.emit('second-instance', {}, ['/usr/bin/cnn-studio', 'other.cnnstudio'], '/home/me');
    expect(fake.state.windows[0]!.sent.at(-1)).toEqual([IPC_CHANNELS.event, { kind: 'event', event: 'app.menuCommand', payload: { command: 'file.openPath', path: '/home/me/other.cnnstudio' } }]);
  });
});
