import { z } from 'zod';

/**
 * One method of the studio's api: a request and a response schema and a line of doc. The same table
 * drives the Electron IPC transport, the WebSocket transport of browser mode, and the validation on
 * both ends (VS Code's ProxyChannel idea, with zod in place of hand-written checks). The schemas keep
 * their own types, so callers are typed by the schema's input and handlers by its output.
 */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  doc: string;
}

/** Declares one api method. */
export function method<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, doc: string): MethodSpec<Req, Res> {
  return { request, response, doc };
}

/** One event the services push to the renderer (training progress, scan progress, ...). */
export interface EventSpec<Payload extends z.ZodType = z.ZodType> {
  payload: Payload;
  doc: string;
}

/** Declares one api event. */
export function event<Payload extends z.ZodType>(payload: Payload, doc: string): EventSpec<Payload> {
  return { payload, doc };
}

export const studioErrorDataSchema = z.object({
  code: z.string().max(64),
  message: z.string().max(10_000),
  hint: z.string().max(10_000).optional(),
  where: z.string().max(10_000).optional(),
});

/** Renderer → services. */
export const rpcRequestSchema = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  /** Absent reads as `{}` (JSON drops an undefined value). */
  params: z.unknown().optional(),
});
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

/** Services → renderer, answering one request. */
export const rpcResponseSchema = z.union([
  z.strictObject({ kind: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ kind: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(false), error: studioErrorDataSchema }),
]);
export type RpcResponse = z.infer<typeof rpcResponseSchema>;

/** Services → renderer, unprompted. */
export const rpcEventSchema = z.strictObject({ kind: z.literal('event'), event: z.string().min(1).max(100), payload: z.unknown() });
export type RpcEvent = z.infer<typeof rpcEventSchema>;

/** The largest message either side accepts (a project with its graph is well under this). */
export const MAX_RPC_MESSAGE_BYTES = 32 * 1024 * 1024;
