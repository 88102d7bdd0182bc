import { IPC_CHANNELS } from '../../shared/api/bridge';
import type { RpcResponse } from '../../shared/api/rpc';
import { dispatch } from '../services/api/dispatch';
import type { EventSink } from '../services/api/event-sink';
import type { ApiHandlers } from '../services/api/handler-table';
import { isTrustedSender } from './window-security';

/** The members of `ipcMain` used here (a test passes a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string; parent: unknown } | null }, message: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface ApiIpcOptions {
  handlers: ApiHandlers;
  /** The app page's URL: only it may call. */
  appUrl: string;
  /** Events for the window that sent a request. */
  events: EventSink;
  log: (line: string) => void;
}

/**
 * Answers the window's requests on `cnn:rpc` with the same dispatch as browser mode (envelope and
 * parameters validated with the contract's schemas). A message from any other page or frame gets an
 * error and a log line, never a handler. Returns the function that removes the handler.
 */
export function registerApiIpc(ipcMain: IpcMainLike, options: ApiIpcOptions): () => void {
  ipcMain.handle(IPC_CHANNELS.request, async (event, message): Promise<RpcResponse | null> => {
    if (!isTrustedSender(event.senderFrame, options.appUrl)) {
      options.log(`Refused an api request from ${event.senderFrame?.url ?? 'a closed frame'}: it is not the studio's page.`);
      const id = (message as { id?: unknown } | null)?.id;
      return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
        ? { kind: 'response', id, ok: false, error: { code: 'invalid-argument', message: 'Only the studio window may call its services.' } }
        : null;
    }
    return dispatch(options.handlers, message, { context: { events: options.events }, logDefect: options.log });
  });
  return () => ipcMain.removeHandler(IPC_CHANNELS.request);
}
