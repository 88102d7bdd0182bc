import type { BrowserWindow } from 'electron';
import { app, ipcMain, Menu, session, shell } from 'electron';
import { pathToFileURL } from 'node:url';
import { IPC_CHANNELS } from '../../shared/api/bridge';
import type { MenuCommand } from '../../shared/api/methods/app';
import { createAppState } from '../services/app-state/app-state';
import { createEventSink } from '../services/api/event-sink';
import type { ApiHandlers } from '../services/api/handler-table';
import { createStudioHandlers } from '../services/api/studio-handlers';
import { defaultAssetResolver } from '../services/resources/asset-resolver';
import type { RunManager } from '../services/training/run-manager';
import { createRunManager } from '../services/training/run-manager';
import { withContentSecurityPolicy } from './content-security-policy';
import { isEditCommand, routeEditCommand } from './edit-commands';
import type { DocumentState } from './electron-host';
import { createElectronHost } from './electron-host';
import { launchUtilityEngine } from './engine-launcher';
import { registerApiIpc } from './ipc-bridge';
import { createMainWindow } from './main-window';
import { applicationMenuTemplate } from './menu-template';
import { projectFilesFromArgv } from './open-requests';
import { allowPermission, guardNavigation, isExternalLink } from './window-security';

/**
 * The desktop app's main process: one window, the menu, and the services behind the same api
 * dispatch as browser mode. Everything that can be decided without Electron lives in the modules
 * it imports; this file only wires Electron's objects to them.
 */
const log = (line: string) => process.stderr.write(`${line}\n`);
const assets = defaultAssetResolver();
const state = createAppState({ log });
const document: DocumentState = { title: 'CNN Studio', dirty: false, recoveryKey: undefined };
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const appUrl = devServerUrl ?? pathToFileURL(assets.path('rendererIndex')).href;

let mainWindow: BrowserWindow | null = null;
/** Training runs live here, in main: a reload of the window re-attaches to them. */
let runs: RunManager | null = null;
let stoppingRuns = false;
let windowReady = false;
let startupProject: string | null = projectFilesFromArgv(process.argv.slice(1), process.cwd())[0] ?? null;
const queuedOpens: string[] = [];

const events = createEventSink((message) => {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_CHANNELS.event, message);
});

function runMenuCommand(command: MenuCommand): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  if (isEditCommand(command.command)) {
    void routeEditCommand(win.webContents, command.command, (edit) => events.emit('app.menuCommand', { command: edit }));
    return;
  }
  events.emit('app.menuCommand', command);
}

async function refreshMenu(): Promise<void> {
  const recent = await state.recent.list();
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ platform: process.platform, recent, developer: !app.isPackaged, run: runMenuCommand })));
}

/** A project the OS asked to open: at start it becomes the startup project, later a command to the window. */
function openFromOs(path: string): void {
  if (!windowReady) {
    if (startupProject === null) startupProject = path;
    else queuedOpens.push(path);
    return;
  }
  runMenuCommand({ command: 'file.openPath', path });
}

/** Keeps the menu's Open Recent and the OS's recent documents in step with opens and saves. */
function withRecentFiles(handlers: ApiHandlers): ApiHandlers {
  const remember = (path: string | null) => {
    if (path) app.addRecentDocument(path);
    void refreshMenu();
  };
  return {
    ...handlers,
    'project.open': async (params, context) => {
      const doc = await handlers['project.open'](params, context);
      remember(doc.path);
      return doc;
    },
    'project.save': async (params, context) => {
      const result = await handlers['project.save'](params, context);
      remember(result.path);
      return result;
    },
  };
}

function installSessionSecurity(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }));
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(allowPermission(permission, details.requestingUrl, appUrl)));
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) => allowPermission(permission, details.requestingUrl, appUrl));
}

async function openMainWindow(): Promise<void> {
  windowReady = false;
  mainWindow = await createMainWindow({
    state,
    preloadPath: assets.require('preload'),
    document,
    log,
    activeTraining: () => runs?.activeDescription() ?? null,
    load: (win) => (devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(assets.require('rendererIndex'))),
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
    windowReady = false;
  });
  windowReady = true;
  for (const path of queuedOpens.splice(0)) runMenuCommand({ command: 'file.openPath', path });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it receives our argv in 'second-instance' and opens the file there.
  app.quit();
} else {
  // macOS delivers double-clicked files this way, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFromOs(path);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    for (const path of projectFilesFromArgv(argv.slice(1), workingDirectory)) openFromOs(path);
  });
  app.on('web-contents-created', (_event, contents) => {
    guardNavigation(contents, appUrl, (url) => {
      if (isExternalLink(url)) void shell.openExternal(url);
    });
  });
  // Quitting stops a run cleanly (its weights saved) instead of killing its engine mid-batch.
  app.on('before-quit', (event) => {
    if (stoppingRuns || !runs?.activeDescription()) return;
    event.preventDefault();
    stoppingRuns = true;
    void runs.dispose().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && app.isReady()) void openMainWindow();
  });

  void app.whenReady().then(async () => {
    installSessionSecurity();
    const host = createElectronHost({ window: () => mainWindow, startupProjectPath: () => startupProject, document });
    runs = createRunManager({ launch: launchUtilityEngine, events, cwd: process.cwd(), notify: (notice) => host.notify?.(notice), log });
    const handlers = withRecentFiles(createStudioHandlers({ host, state, assets, cwd: process.cwd(), launchEngine: launchUtilityEngine, runs }));
    registerApiIpc(ipcMain, { handlers, appUrl, events, log });
    await refreshMenu();
    await openMainWindow();
  });
}
