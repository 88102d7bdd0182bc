import type { z } from 'zod';
import { projectMethods } from './methods/project';
import type { EventSpec, MethodSpec } from './rpc';

/**
 * The whole api between the renderer and the services. Each area declares its methods in
 * `methods/<area>.ts`; transports and handlers are typed from this table, so a method without a
 * handler does not compile.
 */
export const API_METHODS = {
  ...projectMethods,
} satisfies Record<string, MethodSpec>;

/** Events pushed by the services. */
export const API_EVENTS = {} satisfies Record<string, EventSpec>;

export type ApiMethods = typeof API_METHODS;
export type ApiMethodName = keyof ApiMethods;
export type ApiRequest<M extends ApiMethodName> = z.input<ApiMethods[M]['request']>;
export type ApiResponse<M extends ApiMethodName> = z.output<ApiMethods[M]['response']>;

export type ApiEvents = typeof API_EVENTS;
export type ApiEventName = keyof ApiEvents;
export type ApiEventPayload<E extends ApiEventName> = ApiEvents[E] extends EventSpec<infer P> ? P : never;

export function isApiMethod(name: string): name is ApiMethodName {
  return Object.prototype.hasOwnProperty.call(API_METHODS, name);
}

export function isApiEvent(name: string): name is ApiEventName {
  return Object.prototype.hasOwnProperty.call(API_EVENTS, name);
}
