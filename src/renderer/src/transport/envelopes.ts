import { errorFromTransport } from '../../../shared/api/client';
import type { RpcEvent, RpcResponse } from '../../../shared/api/rpc';
import { rpcEventSchema, rpcResponseSchema } from '../../../shared/api/rpc';
import { StudioError } from '../../../shared/errors';

/** A response envelope from the services, or null when it is not one. */
export function readResponse(raw: unknown): RpcResponse | null {
  const parsed = rpcResponseSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** An event envelope from the services, or null when it is not one. */
export function readEvent(raw: unknown): RpcEvent | null {
  const parsed = rpcEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The result of a response, or its StudioError thrown. */
export function resultOf(response: RpcResponse): unknown {
  if (response.ok) return response.result;
  throw errorFromTransport(response.error);
}

/** The error for an answer this window cannot read (a defect or a foreign server). */
export function unreadableAnswer(method: string): StudioError {
  return new StudioError('internal', `The studio's services answered ${method} with a message this window cannot read.`, {
    hint: 'Reload the window; if it persists, report it.',
  });
}
