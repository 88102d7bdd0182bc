import type { StudioClient } from '../../../src/shared/api/client';
import type { ApiMethodName } from '../../../src/shared/api/contract';
import { StudioError } from '../../../src/shared/errors';

type Handler = (params: unknown) => unknown;

/** A recorded call to the fake services. */
export interface FakeCall {
  method: string;
  params: unknown;
}

/**
 * A StudioClient answering from a table of handlers, recording every call; a method without a handler
 * fails with a StudioError, as the real services would for a method they do not have.
 */
export function fakeClient(handlers: Partial<Record<ApiMethodName, Handler>>): StudioClient & { calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  return {
    calls,
    async call(method, params) {
      calls.push({ method, params });
      const handler = handlers[method];
      if (!handler) throw new StudioError('internal', `The fake services have no ${method}.`);
      return (await handler(params)) as never;
    },
    on() {
      return () => undefined;
    },
  };
}
