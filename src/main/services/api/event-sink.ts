import type { ApiEventName, ApiEventPayload } from '../../../shared/api/contract';
import { API_EVENTS } from '../../../shared/api/contract';
import type { RpcEvent } from '../../../shared/api/rpc';

/** Pushes events to a window (Electron) or to connected pages (browser mode). */
export interface EventSink {
  emit<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): void;
}

/**
 * The envelope of one event, its payload checked against the contract: an event the window would
 * drop as unreadable is a defect here, so it fails where it is made.
 */
export function eventEnvelope<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): RpcEvent {
  const parsed = API_EVENTS[event].payload.safeParse(payload);
  if (!parsed.success) throw new Error(`The ${event} event's payload does not match the api contract: ${parsed.error.message}`);
  return { kind: 'event', event, payload: parsed.data };
}

/** A sink that sends each envelope through `send` (a window's webContents, a WebSocket, a test array). */
export function createEventSink(send: (message: RpcEvent) => void): EventSink {
  return { emit: (event, payload) => send(eventEnvelope(event, payload)) };
}

/** A sink that drops everything (the CLI, tests that do not listen). */
export const NO_EVENTS: EventSink = { emit: () => undefined };
