import { WEBSOCKET_PATH } from '../../../shared/api/bridge';
import type { Transport } from '../../../shared/api/client';
import { MAX_RPC_MESSAGE_BYTES } from '../../../shared/api/rpc';
import { StudioError } from '../../../shared/errors';
import { readEvent, readResponse, resultOf, unreadableAnswer } from './envelopes';

/** The few members of the browser's WebSocket this transport uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown }) => void): void;
}

export interface WebSocketTransportOptions {
  /** The api's `ws://host:port/api[?token=...]` URL (see `websocketUrl`). */
  url: string;
  /** Opens a socket; the browser's WebSocket by default. */
  connect?: (url: string) => SocketLike;
  /** Waits before reconnecting after a drop, while someone listens to events. */
  reconnectDelaysMs?: readonly number[];
}

const OPEN = 1;

/**
 * The api URL for a page served by `cnn-studio serve`: same host, `ws:` or `wss:`, and the token of
 * the page's URL when it has one (else the HttpOnly cookie the server set carries it).
 */
export function websocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}${WEBSOCKET_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

function connectionLost(): StudioError {
  return new StudioError('internal', "The connection to the studio's services was lost.", {
    hint: 'Check that "cnn-studio serve" is still running, then reload the page.',
  });
}

/**
 * Browser mode's transport: one WebSocket, opened on first use and again after a drop; requests are
 * matched to answers by id. A request in flight when the socket drops fails with a sentence.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const connect = options.connect ?? ((url: string) => new WebSocket(url) as SocketLike);
  const delays = options.reconnectDelaysMs ?? [500, 1000, 2000, 5000];
  const pending = new Map<number, { method: string; resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let opening: Promise<SocketLike> | null = null;
  let failures = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const event = readEvent(raw);
    if (event) {
      for (const listener of [...listeners]) listener(event.event, event.payload);
      return;
    }
    const response = readResponse(raw);
    const waiting = response ? pending.get(response.id) : undefined;
    if (!response) {
      // An answer we cannot read: fail the request it names, if it names one.
      const id = (raw as { id?: unknown } | null)?.id;
      const entry = typeof id === 'number' ? pending.get(id) : undefined;
      if (entry && typeof id === 'number') {
        pending.delete(id);
        entry.reject(unreadableAnswer(entry.method));
      }
      return;
    }
    if (!waiting) return;
    pending.delete(response.id);
    try {
      waiting.resolve(resultOf(response));
    } catch (error) {
      waiting.reject(error);
    }
  }

  function onClosed(closed: SocketLike): void {
    if (socket !== closed) return;
    socket = null;
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.reject(connectionLost());
    }
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (!listeners.size || reconnectTimer) return;
    const delay = delays[Math.min(failures, delays.length - 1)] ?? 1000;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      open().catch(() => scheduleReconnect());
    }, delay);
  }

  function open(): Promise<SocketLike> {
    if (socket && socket.readyState === OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<SocketLike>((resolve, reject) => {
      let settled = false;
      const candidate = connect(options.url);
      candidate.addEventListener('open', () => {
        settled = true;
        failures = 0;
        socket = candidate;
        opening = null;
        resolve(candidate);
      });
      candidate.addEventListener('message', (event) => onMessage(event.data));
      candidate.addEventListener('close', () => {
        if (!settled) {
          settled = true;
          failures += 1;
          opening = null;
          reject(
            new StudioError('internal', "This page cannot reach the studio's services.", {
              hint: 'Check that "cnn-studio serve" is running and open the URL it printed (with its token).',
            }),
          );
          return;
        }
        onClosed(candidate);
      });
      // 'error' is always followed by 'close', which settles.
      candidate.addEventListener('error', () => undefined);
    });
    return opening;
  }

  return {
    async request(method, params) {
      const id = nextId++;
      const text = JSON.stringify({ kind: 'request', id, method, params });
      // Characters, not bytes: a cheap bound that never lets a message the server refuses leave.
      if (text.length * 3 > MAX_RPC_MESSAGE_BYTES && new TextEncoder().encode(text).length > MAX_RPC_MESSAGE_BYTES) {
        throw new StudioError('invalid-argument', `The ${method} request is larger than the ${MAX_RPC_MESSAGE_BYTES / 1024 / 1024} MB the services accept.`, {
          hint: 'Make the project smaller (fewer layers or a shorter ui state).',
        });
      }
      const ws = await open();
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { method, resolve, reject });
        try {
          ws.send(text);
        } catch (error) {
          pending.delete(id);
          reject(error instanceof StudioError ? error : connectionLost());
        }
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      // Events flow only over an open socket: open it now rather than at the first request.
      open().catch(() => scheduleReconnect());
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
