import { contextBridge, ipcRenderer } from 'electron';
import type { StudioBridge } from '../shared/api/bridge';
import { BRIDGE_GLOBAL, IPC_CHANNELS } from '../shared/api/bridge';

/**
 * The sandboxed window's only way out: one object with `request` and `onEvent`, over two `cnn:`
 * channels. `ipcRenderer` itself is never exposed (a page holding it could invoke any channel), and
 * listeners get the message, never the IPC event (whose `sender` reaches back into Electron).
 */
let nextId = 1;
const listeners = new Set<(message: unknown) => void>();

ipcRenderer.on(IPC_CHANNELS.event, (_event, message: unknown) => {
  for (const listener of [...listeners]) {
    try {
      listener(message);
    } catch {
      // One failing listener must not starve the others; the renderer reports its own errors.
    }
  }
});

const bridge: StudioBridge = {
  request(method, params) {
    if (typeof method !== 'string') return Promise.reject(new TypeError('The method must be a string.'));
    return ipcRenderer.invoke(IPC_CHANNELS.request, { kind: 'request', id: nextId++, method, params });
  },
  onEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
