import type { WindowState } from '../services/app-state/window-state';
import type { WindowPlacement } from './window-options';
import { MIN_WINDOW_SIZE } from './window-options';

/** A screen's usable area (Electron's `Display.workArea`). */
export interface WorkArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The first window's size: most of a laptop screen. */
export const DEFAULT_WINDOW_SIZE = { width: 1440, height: 900 };

/** How much of the title bar must be on a screen for the window to count as reachable. */
const GRAB_MARGIN = 80;

/**
 * Where to open the window: the remembered placement when enough of it is still on a screen
 * (a monitor may have been unplugged), else the default size centred on the first screen; never
 * larger than that screen nor smaller than the minimum.
 */
export function placeWindow(saved: WindowState | null, screens: readonly WorkArea[]): WindowPlacement {
  const primary = screens[0] ?? { x: 0, y: 0, width: DEFAULT_WINDOW_SIZE.width, height: DEFAULT_WINDOW_SIZE.height };
  const fit = (w: number, h: number, area: WorkArea) => ({
    width: Math.max(MIN_WINDOW_SIZE.width, Math.min(w, area.width)),
    height: Math.max(MIN_WINDOW_SIZE.height, Math.min(h, area.height)),
  });
  if (saved && saved.x !== undefined && saved.y !== undefined) {
    const { x, y } = saved;
    const home = screens.find(
      (s) => x + saved.width - GRAB_MARGIN >= s.x && x + GRAB_MARGIN <= s.x + s.width && y >= s.y && y + GRAB_MARGIN <= s.y + s.height,
    );
    if (home) return { x, y, ...fit(saved.width, saved.height, home) };
  }
  const size = fit(saved?.width ?? DEFAULT_WINDOW_SIZE.width, saved?.height ?? DEFAULT_WINDOW_SIZE.height, primary);
  return {
    x: Math.round(primary.x + (primary.width - size.width) / 2),
    y: Math.round(primary.y + (primary.height - size.height) / 2),
    ...size,
  };
}
