import type { ApiMethodName, ApiParams, ApiResponse } from '../../../shared/api/contract';
import type { EventSink } from './event-sink';

/** What a handler knows about the request besides its parameters. */
export interface RequestContext {
  /** Events for the window (or page) that sent the request. */
  events: EventSink;
}

/** The handler of one method: validated parameters in, the method's response out. */
export type ApiHandler<M extends ApiMethodName> = (params: ApiParams<M>, context: RequestContext) => Promise<ApiResponse<M>> | ApiResponse<M>;

/** One handler per method of the contract: a method without a handler does not compile. */
export type ApiHandlers = { [M in ApiMethodName]: ApiHandler<M> };
