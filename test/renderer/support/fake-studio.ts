import type { StudioClient } from '../../../src/shared/api/client';
import type { ApiEventName, ApiEventPayload, ApiMethodName } from '../../../src/shared/api/contract';
import { API_EVENTS } from '../../../src/shared/api/contract';
import { StudioError } from '../../../src/shared/errors';
import type { FakeCall } from './fake-client';

type Handler = (params: never) => unknown;

/**
 * A StudioClient with events: it answers from a table of handlers (recording every call) and
 * delivers the events the test `emit`s to the window's subscribers, checked against the contract as
 * the real client checks them.
 */
export function fakeStudio(handlers: Partial<Record<ApiMethodName, Handler>>) {
  const calls: FakeCall[] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const client: StudioClient = {
    async call(method, params) {
      calls.push({ method, params });
      const handler = handlers[method];
      if (!handler) throw new StudioError('internal', `The fake services have no ${method}.`);
      return (await handler(params as never)) as never;
    },
    on(event, handler) {
      const set = listeners.get(event) ?? new Set();
      set.add(handler as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(handler as (payload: never) => void);
    },
  };
  return {
    client,
    calls,
    /** The calls of one method, in order. */
    callsOf: (method: ApiMethodName) => calls.filter((c) => c.method === method).map((c) => c.params as Record<string, unknown>),
    emit<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): void {
      const parsed = API_EVENTS[event].payload.parse(payload);
      for (const listener of listeners.get(event) ?? []) listener(parsed as never);
    },
    listening: (event: ApiEventName) => (listeners.get(event)?.size ?? 0) > 0,
  };
}

/** The uPlot stand-in's record of charts: how many were built and what data each was given. */
export interface ChartRecord {
  series: string[];
  data: unknown[][];
  setData: unknown[][][];
  destroyed: boolean;
  /** How often the chart was redrawn without new data (markers changed). */
  redraws?: number;
}
