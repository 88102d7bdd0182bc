import { studioErrorFromData, StudioError } from '../errors';
import type { StudioErrorCode } from '../errors';
import type { ApiEventName, ApiEventPayload, ApiMethodName, ApiRequest, ApiResponse } from './contract';
import { API_EVENTS, API_METHODS } from './contract';

/**
 * What a transport does: send a request and get its raw result (or a StudioError), and deliver events.
 * Electron IPC (through the preload) and browser mode's WebSocket are the two implementations.
 */
export interface Transport {
  request(method: string, params: unknown): Promise<unknown>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

/** The renderer's view of the services: typed calls and events, whichever transport carries them. */
export interface StudioClient {
  call<M extends ApiMethodName>(method: M, params: ApiRequest<M>): Promise<ApiResponse<M>>;
  on<E extends ApiEventName>(event: E, handler: (payload: ApiEventPayload<E>) => void): () => void;
}

/** A typed client over a transport: responses are validated against the contract before callers see them. */
export function createStudioClient(transport: Transport): StudioClient {
  return {
    async call(method, params) {
      const raw = await transport.request(method, params);
      const parsed = API_METHODS[method].response.safeParse(raw);
      if (!parsed.success) {
        throw new StudioError('internal', `The studio's services answered ${method} with data this window does not understand.`, {
          hint: 'Reload the window; if it persists, report it.',
        });
      }
      return parsed.data as ApiResponse<typeof method>;
    },
    on(event, handler) {
      return transport.onEvent((name, payload) => {
        if (name !== event) return;
        // An event this window cannot read is dropped: acting on half-understood data is worse.
        const parsed = API_EVENTS[event].payload.safeParse(payload);
        if (parsed.success) handler(parsed.data as ApiEventPayload<typeof event>);
      });
    },
  };
}

/** Rebuilds an error received from a transport. */
export function errorFromTransport(data: { code: string; message: string; hint?: string; where?: string }): StudioError {
  return studioErrorFromData({ ...data, code: data.code as StudioErrorCode });
}
