import type { StudioClient, Transport } from '../../shared/api/client';
import { createStudioClient } from '../../shared/api/client';
import { createIpcTransport } from './transport/ipc-transport';
import { preloadBridge } from './transport/preload-bridge';
import { createWebSocketTransport, websocketUrl } from './transport/websocket-transport';

/**
 * The transport this window uses: Electron IPC when the preload's bridge exists, else browser mode's
 * WebSocket (to the server that served the page, with the token from the page's URL or its cookie).
 */
export function chooseTransport(win: Pick<Window, 'cnnStudio' | 'location'> = globalThis.window): Transport {
  const bridge = preloadBridge(win);
  return bridge ? createIpcTransport(bridge) : createWebSocketTransport({ url: websocketUrl(win.location) });
}

/** A transport made on first use, so importing this module opens no connection (tests, tooling). */
export function lazyTransport(make: () => Transport): Transport {
  let transport: Transport | null = null;
  const get = () => (transport ??= make());
  return {
    request: (method, params) => get().request(method, params),
    onEvent: (listener) => get().onEvent(listener),
  };
}

/** The renderer's one entry to the studio's services; components and stores never see the transport. */
export const studio: StudioClient = createStudioClient(lazyTransport(() => chooseTransport()));

export type { StudioClient };
