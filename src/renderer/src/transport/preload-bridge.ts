import type { StudioBridge } from '../../../shared/api/bridge';

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload/index.ts); absent in browser mode. */
    cnnStudio?: StudioBridge;
  }
}

/** The preload's bridge when this window runs inside the Electron app, else null. */
export function preloadBridge(win: Pick<Window, 'cnnStudio'> | undefined = globalThis.window): StudioBridge | null {
  const bridge = win?.cnnStudio;
  return bridge && typeof bridge.request === 'function' && typeof bridge.onEvent === 'function' ? bridge : null;
}
