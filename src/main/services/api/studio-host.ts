import type { ApiParams } from '../../../shared/api/contract';
import { StudioError } from '../../../shared/errors';

/**
 * What differs between the desktop app and browser mode: how the studio runs and what only the
 * host can do (native dialogs, the file manager, the window's title). Electron's implementation is
 * in src/main/app; browser mode's is `createBrowserHost`.
 */
export interface StudioHost {
  readonly mode: 'electron' | 'browser';
  /** True where `openDialog` and `saveDialog` show native dialogs. */
  readonly nativeDialogs: boolean;
  /** The project to open at start (`npm start`'s sample, a double-clicked file), if any. */
  startupProjectPath(): string | null;
  /** A path chosen in a native open dialog, or null when cancelled. */
  openDialog(request: ApiParams<'app.openDialog'>): Promise<string | null>;
  /** A path chosen in a native save dialog, or null when cancelled. */
  saveDialog(request: ApiParams<'app.saveDialog'>): Promise<string | null>;
  /** Shows a file in the system's file manager. */
  showInFolder(path: string): Promise<void>;
  /** The window title and unsaved marker. */
  setDocumentState(state: ApiParams<'app.setDocumentState'>): void;
  /**
   * Tells the person at the machine that something long has finished (a training run), where the
   * host can: Electron shows a system notification while the window is not in front. Browser mode
   * has none; the page notifies in the browser instead.
   */
  notify?(notice: { title: string; body: string }): void;
}

/**
 * Browser mode's host: the page runs in someone's browser, maybe on another machine, so there is
 * no native dialog to show (the window asks for a path instead) and the tab keeps its own title.
 */
export function createBrowserHost(options: { startupProjectPath?: string | null } = {}): StudioHost {
  const noDialogs = () =>
    Promise.reject(
      new StudioError('invalid-argument', 'Browser mode has no native file dialogs.', {
        hint: "Type the project file's path in the window instead.",
      }),
    );
  return {
    mode: 'browser',
    nativeDialogs: false,
    startupProjectPath: () => options.startupProjectPath ?? null,
    openDialog: noDialogs,
    saveDialog: noDialogs,
    showInFolder: (path) =>
      Promise.reject(
        new StudioError('invalid-argument', `Browser mode cannot open a file manager; the file is ${path}.`, {
          hint: 'Open that folder yourself on the machine that runs "cnn-studio serve".',
          where: path,
        }),
      ),
    setDocumentState: () => undefined,
  };
}
