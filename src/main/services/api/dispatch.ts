import type { ApiMethodName } from '../../../shared/api/contract';
import { API_METHODS, isApiMethod } from '../../../shared/api/contract';
import type { RpcResponse } from '../../../shared/api/rpc';
import { rpcRequestSchema } from '../../../shared/api/rpc';
import { isStudioError, StudioError } from '../../../shared/errors';
import { formatPath } from '../../../shared/project/codec';
import { describeIssue } from '../../../shared/validation-messages';
import type { ApiHandler, ApiHandlers, RequestContext } from './handler-table';

export interface DispatchOptions {
  context: RequestContext;
  /** Where defects go with their stack, on the host's side only; stderr by default. */
  logDefect?: (text: string) => void;
}

/** The sentence a client gets for anything that is not a StudioError: the details stay in the log. */
export const DEFECT_MESSAGE = 'Something went wrong inside the studio while answering this request.';

/**
 * Answers one message from a window: checks the envelope, finds the method, validates the
 * parameters with the method's schema, runs the handler, and wraps the result or the error in a
 * response. StudioErrors travel as data; any other error becomes a generic sentence (its stack is
 * logged here, never sent). A message too broken to carry an id gets no answer (null).
 */
export async function dispatch(handlers: ApiHandlers, raw: unknown, options: DispatchOptions): Promise<RpcResponse | null> {
  const envelope = rpcRequestSchema.safeParse(raw);
  if (!envelope.success) {
    const id = (raw as { id?: unknown } | null | undefined)?.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return null;
    return failure(id, new StudioError('invalid-argument', 'The window sent a message that is not a studio request.', { hint: 'Reload the window.' }));
  }
  const { id, method, params } = envelope.data;
  if (!isApiMethod(method)) {
    return failure(id, new StudioError('invalid-argument', `There is no studio method named "${method.slice(0, 100)}".`, { hint: 'Reload the window; it may come from another version of CNN Studio.', where: method }));
  }
  const parsed = API_METHODS[method].request.safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    return failure(
      id,
      new StudioError('invalid-argument', `The ${method} request is not valid: ${path || 'its parameters'} ${describeIssue(issue)}.`, {
        hint: 'Reload the window; if it persists, report it.',
        where: path ? `${method}: ${path}` : method,
      }),
    );
  }
  try {
    // The table is indexed by the same name the schema was, so the parameters fit this handler.
    const handler = handlers[method] as ApiHandler<ApiMethodName>;
    const result = await handler(parsed.data as never, options.context);
    return { kind: 'response', id, ok: true, result };
  } catch (error) {
    if (isStudioError(error)) return failure(id, error);
    const log = options.logDefect ?? ((text: string) => process.stderr.write(`${text}\n`));
    log(`Defect while answering ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return failure(id, new StudioError('internal', DEFECT_MESSAGE, { hint: 'Try again; if it persists, report it with the log of the studio.' }));
  }
}

function failure(id: number, error: StudioError): RpcResponse {
  const { code, message, hint, where } = error.toJSON();
  return { kind: 'response', id, ok: false, error: { code, message, ...(hint ? { hint } : {}), ...(where ? { where } : {}) } };
}
