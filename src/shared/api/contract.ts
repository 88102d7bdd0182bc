import type { z } from 'zod';
import { appEvents, appMethods } from './methods/app';
import { datasetEvents, datasetMethods } from './methods/dataset';
import { evaluationMethods } from './methods/evaluation';
import { exportMethods } from './methods/export';
import { hogEvents, hogMethods } from './methods/hog';
import { insightMethods } from './methods/insight';
import { predictionMethods } from './methods/prediction';
import { projectMethods } from './methods/project';
import { pytorchMethods } from './methods/pytorch';
import { runsMethods } from './methods/runs';
import { trainingEvents, trainingMethods } from './methods/training';
import type { EventSpec, MethodSpec } from './rpc';

/**
 * The whole api between the renderer and the services. Each area declares its methods in
 * `methods/<area>.ts`; transports and handlers are typed from this table, so a method without a
 * handler does not compile.
 */
export const API_METHODS = {
  ...projectMethods,
  ...appMethods,
  ...datasetMethods,
  ...trainingMethods,
  ...runsMethods,
  ...evaluationMethods,
  ...predictionMethods,
  ...exportMethods,
  ...insightMethods,
  ...hogMethods,
  ...pytorchMethods,
} satisfies Record<string, MethodSpec>;

/** Events pushed by the services. */
export const API_EVENTS = {
  ...appEvents,
  ...datasetEvents,
  ...trainingEvents,
  ...hogEvents,
} satisfies Record<string, EventSpec>;

export type ApiMethods = typeof API_METHODS;
export type ApiMethodName = keyof ApiMethods;
export type ApiRequest<M extends ApiMethodName> = z.input<ApiMethods[M]['request']>;
export type ApiResponse<M extends ApiMethodName> = z.output<ApiMethods[M]['response']>;
/** A request as a handler receives it: validated, with the schema's defaults filled in. */
export type ApiParams<M extends ApiMethodName> = z.output<ApiMethods[M]['request']>;

export type ApiEvents = typeof API_EVENTS;
export type ApiEventName = keyof ApiEvents;
export type ApiEventPayload<E extends ApiEventName> = z.output<ApiEvents[E]['payload']>;

/** True when `name` is a method of the contract (own keys only: `toString` is not a method). */
export function isApiMethod(name: string): name is ApiMethodName {
  return Object.prototype.hasOwnProperty.call(API_METHODS, name);
}

/** True when `name` is an event of the contract. */
export function isApiEvent(name: string): name is ApiEventName {
  return Object.prototype.hasOwnProperty.call(API_EVENTS, name);
}
