import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The main window's web preferences: the renderer is a web page with no Node, in Chromium's sandbox,
 * in its own JavaScript world apart from the preload, and it reaches the system only through the
 * preload's bridge. Nothing here may be relaxed for convenience.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** Where the window opens: a remembered placement (already fitted to the screens) or a default size. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/** The smallest window the studio's three columns fit in. */
export const MIN_WINDOW_SIZE = { width: 900, height: 600 };

/** The BrowserWindow options of the studio's one window (hidden until its first paint, to avoid a white flash). */
export function mainWindowOptions(options: { placement: WindowPlacement; preloadPath: string; dark?: boolean }): BrowserWindowConstructorOptions {
  const { placement } = options;
  return {
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}),
    width: placement.width,
    height: placement.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'CNN Studio',
    show: false,
    backgroundColor: options.dark ? '#1e1e1e' : '#ffffff',
    webPreferences: secureWebPreferences(options.preloadPath),
  };
}
