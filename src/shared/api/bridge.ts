/**
 * The Electron preload's bridge: the one object the sandboxed window gets (`window.cnnStudio`). It
 * carries raw envelopes only; the renderer's IPC transport validates what comes back, and main
 * validates every request with the same dispatch as browser mode.
 */
export interface StudioBridge {
  /** Sends one request; resolves to the raw response envelope (an `RpcResponse` once validated). */
  request(method: string, params: unknown): Promise<unknown>;
  /** Receives raw event envelopes (`RpcEvent` once validated); returns the unsubscribe function. */
  onEvent(listener: (message: unknown) => void): () => void;
}

/** The global name the preload exposes the bridge under. */
export const BRIDGE_GLOBAL = 'cnnStudio';

/** IPC channels, all prefixed `cnn:` so main can refuse anything else (VS Code's `validateIPC`). */
export const IPC_CHANNELS = {
  /** Renderer → main, `ipcRenderer.invoke`: an `RpcRequest`, answered with an `RpcResponse`. */
  request: 'cnn:rpc',
  /** Main → renderer: an `RpcEvent`. */
  event: 'cnn:event',
} as const;

/** The prefix every studio IPC channel carries. */
export const IPC_CHANNEL_PREFIX = 'cnn:';

/** The WebSocket path of browser mode's api. */
export const WEBSOCKET_PATH = '/api';
