import type { WebSocket } from 'ws';
import type { RpcEvent } from '../../shared/api/rpc';
import { dispatch } from '../services/api/dispatch';
import { createEventSink } from '../services/api/event-sink';
import type { ApiHandlers } from '../services/api/handler-table';

export interface ApiSocketOptions {
  handlers: ApiHandlers;
  /** Refusals and defects, one line each (never with the token). */
  log: (line: string) => void;
  /** Who is at the other end, for the log. */
  peer: string;
  /** Requests one page may have in flight at once. */
  maxInFlight?: number;
  /** Unreadable messages tolerated before the socket is closed. */
  maxBadMessages?: number;
}

/** WebSocket close codes used here (RFC 6455). */
export const CLOSE = { unsupportedData: 1003, policyViolation: 1008, tooBig: 1009, goingAway: 1001 } as const;

/**
 * Serves the api on one authenticated WebSocket: each text message is a request dispatched through
 * the handler table, answered on the same socket. Binary frames close the socket; unreadable JSON is
 * logged and ignored until there is too much of it; the socket's own events go only to it.
 */
export function serveApiSocket(socket: WebSocket, options: ApiSocketOptions): { send(message: RpcEvent): void } {
  const maxInFlight = options.maxInFlight ?? 64;
  const maxBad = options.maxBadMessages ?? 20;
  let inFlight = 0;
  let bad = 0;

  const send = (message: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const events = createEventSink(send);

  function refuse(what: string): void {
    bad += 1;
    options.log(`Ignored a message from ${options.peer}: ${what}.`);
    if (bad >= maxBad) {
      options.log(`Closed the connection of ${options.peer}: ${bad} unreadable messages.`);
      socket.close(CLOSE.policyViolation, 'too many unreadable messages');
    }
  }

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      options.log(`Closed the connection of ${options.peer}: it sent binary data.`);
      socket.close(CLOSE.unsupportedData, 'text messages only');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      refuse('not JSON');
      return;
    }
    if (inFlight >= maxInFlight) {
      const id = (raw as { id?: unknown } | null)?.id;
      options.log(`Refused a request from ${options.peer}: more than ${maxInFlight} at once.`);
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
        send({ kind: 'response', id, ok: false, error: { code: 'invalid-argument', message: `The window sent more than ${maxInFlight} requests at once.`, hint: 'Wait for the answers, then try again.' } });
      }
      return;
    }
    inFlight += 1;
    void dispatch(options.handlers, raw, { context: { events }, logDefect: options.log })
      .then((response) => {
        if (response) send(response);
        else refuse('not a studio request');
      })
      .catch((error: unknown) => options.log(`Defect while answering ${options.peer}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        inFlight -= 1;
      });
  });
  // A socket error (a reset, a frame over the size limit) closes it; the server goes on.
  socket.on('error', (error) => options.log(`Connection of ${options.peer} failed: ${error.message}.`));

  return { send };
}
