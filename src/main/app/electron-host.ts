import type { BrowserWindow } from 'electron';
import { dialog, Notification, shell } from 'electron';
import { extname } from 'node:path';
import type { ApiParams } from '../../shared/api/contract';
import { PROJECT_EXTENSION } from '../../shared/project/schema';
import type { StudioHost } from '../services/api/studio-host';

const PROJECT_FILTERS = [{ name: 'CNN Studio projects', extensions: [PROJECT_EXTENSION.slice(1)] }];

/** The window's document state as the renderer last reported it. */
export interface DocumentState {
  title: string;
  dirty: boolean;
  recoveryKey: string | undefined;
}

/** The desktop app's host: native dialogs attached to the window, the system file manager, the title bar. */
export function createElectronHost(options: { window: () => BrowserWindow | null; startupProjectPath: () => string | null; document: DocumentState }): StudioHost {
  const { document } = options;
  return {
    mode: 'electron',
    nativeDialogs: true,
    startupProjectPath: options.startupProjectPath,
    async openDialog(request: ApiParams<'app.openDialog'>) {
      const win = options.window();
      // A folder (a dataset, a runs folder) when asked for one, else a project file.
      const settings = request.directory
        ? { title: request.title ?? 'Choose a folder', ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}), properties: ['openDirectory' as const] }
        : {
            title: request.title ?? 'Open a project',
            ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
            properties: ['openFile' as const],
            filters: PROJECT_FILTERS,
          };
      const result = win ? await dialog.showOpenDialog(win, settings) : await dialog.showOpenDialog(settings);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveDialog(request: ApiParams<'app.saveDialog'>) {
      const win = options.window();
      const settings = { title: request.title ?? 'Save the project', ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}), filters: PROJECT_FILTERS };
      const result = win ? await dialog.showSaveDialog(win, settings) : await dialog.showSaveDialog(settings);
      if (result.canceled || !result.filePath) return null;
      return extname(result.filePath).toLowerCase() === PROJECT_EXTENSION ? result.filePath : `${result.filePath}${PROJECT_EXTENSION}`;
    },
    async showInFolder(path) {
      shell.showItemInFolder(path);
    },
    setDocumentState(state) {
      document.title = state.title;
      document.dirty = state.dirty;
      document.recoveryKey = state.recoveryKey;
      const win = options.window();
      if (!win) return;
      win.setTitle(state.title);
      // macOS shows the unsaved dot in the close button.
      win.setDocumentEdited(state.dirty);
    },
    notify(notice) {
      // In front, the window shows the news itself; the system notification is for when it is not.
      const win = options.window();
      if ((win && !win.isDestroyed() && win.isFocused()) || !Notification.isSupported()) return;
      const shown = new Notification({ title: notice.title, body: notice.body });
      shown.on('click', () => {
        const target = options.window();
        if (!target || target.isDestroyed()) return;
        if (target.isMinimized()) target.restore();
        target.focus();
      });
      shown.show();
    },
  };
}
