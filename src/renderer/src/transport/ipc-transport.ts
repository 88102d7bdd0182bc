import type { StudioBridge } from '../../../shared/api/bridge';
import type { Transport } from '../../../shared/api/client';
import { readEvent, readResponse, resultOf, unreadableAnswer } from './envelopes';

/** The Electron transport: requests and events through the preload's bridge (`ipcRenderer` stays in the preload). */
export function createIpcTransport(bridge: StudioBridge): Transport {
  return {
    async request(method, params) {
      const response = readResponse(await bridge.request(method, params));
      if (!response) throw unreadableAnswer(method);
      return resultOf(response);
    },
    onEvent(listener) {
      return bridge.onEvent((raw) => {
        const message = readEvent(raw);
        if (message) listener(message.event, message.payload);
      });
    },
  };
}
