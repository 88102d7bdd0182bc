import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { StudioServer, StudioServerOptions } from '../../../src/main/server/studio-server';
import { startStudioServer } from '../../../src/main/server/studio-server';
import type { HandlerFixture } from '../services/api/api-fixtures';
import { createHandlerFixture } from '../services/api/api-fixtures';

/** A secret beside the bundle: no request may ever read it. */
export const SECRET = 'top-secret-ssh-key-material';
export const INDEX_HTML = '<!doctype html><title>CNN Studio test bundle</title>';

export interface ServerFixture {
  server: StudioServer;
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Refusal and defect lines the server logged. */
  logged: string[];
  /** The folder that holds the bundle (`renderer/`) and the secret beside it. */
  dir: string;
  handlers: HandlerFixture;
  close(): Promise<void>;
}

/** A server on a free port over a small made-up renderer bundle, with the real handlers. */
export async function startTestServer(options: Partial<StudioServerOptions> = {}): Promise<ServerFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cnn-server-'));
  const bundle = join(dir, 'renderer');
  await mkdir(join(bundle, 'assets'), { recursive: true });
  await writeFile(join(bundle, 'index.html'), INDEX_HTML);
  await writeFile(join(bundle, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await symlink(join(dir, 'secret.txt'), join(bundle, 'assets', 'escape.txt'));
  const handlers = await createHandlerFixture();
  const logged: string[] = [];
  const server = await startStudioServer({ rendererRoot: bundle, handlers: handlers.handlers, port: 0, log: (line) => logged.push(line), ...options });
  return {
    server,
    host: `127.0.0.1:${server.port}`,
    logged,
    dir,
    handlers,
    async close() {
      await server.close();
      await handlers.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with full control of the path and headers (fetch would normalise both). */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...options.headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the api WebSocket; resolves with the socket once open, or rejects with the refusal status. */
export function openSocket(port: number, options: { token?: string; path?: string; headers?: Record<string, string>; maxPayload?: number } = {}): Promise<WebSocket> {
  const query = options.token === undefined ? '' : `?token=${options.token}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/api'}${query}`, { headers: options.headers ?? {}, ...(options.maxPayload ? { maxPayload: options.maxPayload } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode }));
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** The status a refused upgrade got. */
export async function refusedStatus(port: number, options: Parameters<typeof openSocket>[1]): Promise<number> {
  try {
    const ws = await openSocket(port, options);
    ws.close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

/** Sends one request on an open socket and waits for the answer with its id. */
export function ask(ws: WebSocket, method: string, params: unknown, id: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number };
      if (message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('closed')));
    ws.send(JSON.stringify({ kind: 'request', id, method, params }));
  });
}

/** Resolves with the close code when the socket closes. */
export function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}
