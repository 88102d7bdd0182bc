import type { BrowserWindow as BrowserWindowType } from 'electron';
import { BrowserWindow, dialog, nativeTheme, screen } from 'electron';
import type { AppState } from '../services/app-state/app-state';
import type { DocumentState } from './electron-host';
import { mainWindowOptions } from './window-options';
import { placeWindow } from './window-placement';

export interface MainWindowOptions {
  state: AppState;
  preloadPath: string;
  /** Loads the page: the built file, or the dev server's URL. */
  load(window: BrowserWindowType): Promise<void>;
  /** What the renderer last said about its document (for the unsaved-changes question). */
  document: DocumentState;
  log: (line: string) => void;
  /** A sentence about the training in progress, or null: closing the window stops it, so it asks first. */
  activeTraining?: () => string | null;
}

const SAVE_PLACEMENT_DELAY_MS = 500;

/**
 * The studio's one window: opened where it was left (if still on a screen), shown at its first
 * paint, its placement remembered, and a question before closing over unsaved changes.
 */
export async function createMainWindow(options: MainWindowOptions): Promise<BrowserWindowType> {
  const { state, document, log } = options;
  const saved = await state.window.read();
  const placement = placeWindow(saved, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow(mainWindowOptions({ placement, preloadPath: options.preloadPath, dark: nativeTheme.shouldUseDarkColors }));
  if (saved?.maximized) win.maximize();
  if (saved?.fullScreen) win.setFullScreen(true);
  win.once('ready-to-show', () => win.show());

  let timer: ReturnType<typeof setTimeout> | null = null;
  const savePlacement = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    const bounds = win.getNormalBounds();
    void state.window.write({ ...bounds, maximized: win.isMaximized(), fullScreen: win.isFullScreen() }).catch((error: unknown) => log(`The window placement was not saved: ${String(error)}`));
  };
  const savePlacementSoon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(savePlacement, SAVE_PLACEMENT_DELAY_MS);
  };
  win.on('resize', savePlacementSoon);
  win.on('move', savePlacementSoon);
  win.on('maximize', savePlacementSoon);
  win.on('unmaximize', savePlacementSoon);
  win.on('enter-full-screen', savePlacementSoon);
  win.on('leave-full-screen', savePlacementSoon);

  let closeConfirmed = false;
  let trainingConfirmed = false;
  win.on('close', (event) => {
    savePlacement();
    const training = trainingConfirmed ? null : (options.activeTraining?.() ?? null);
    if (training) {
      event.preventDefault();
      void dialog
        .showMessageBox(win, {
          type: 'warning',
          buttons: ['Stop Training and Close', 'Cancel'],
          defaultId: 1,
          cancelId: 1,
          message: 'A training run is in progress.',
          detail: `${training} Closing the window stops it after the current batch; the completed epochs are kept and the run can be resumed later.`,
        })
        .then(({ response }) => {
          if (response !== 0) return;
          trainingConfirmed = true;
          // The unsaved-changes question, if any, comes next.
          win.close();
        });
      return;
    }
    if (!document.dirty || closeConfirmed) return;
    event.preventDefault();
    void dialog
      .showMessageBox(win, {
        type: 'warning',
        buttons: ['Close Without Saving', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: `"${document.title.replace(/^•\s*/, '').replace(/\s+—\s+CNN Studio$/, '')}" has changes that are not saved.`,
        detail: 'Close the window anyway and lose them, or cancel and save them first.',
      })
      .then(async ({ response }) => {
        if (response !== 0) return;
        closeConfirmed = true;
        // A deliberate discard: the recovery copy would only offer the same changes again.
        if (document.recoveryKey) await state.recovery.discard(document.recoveryKey).catch(() => undefined);
        win.close();
      });
  });

  await options.load(win);
  return win;
}
