import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { WEBSOCKET_PATH } from '../../shared/api/bridge';
import type { RpcEvent } from '../../shared/api/rpc';
import { MAX_RPC_MESSAGE_BYTES } from '../../shared/api/rpc';
import { StudioError } from '../../shared/errors';
import type { EventSink } from '../services/api/event-sink';
import { createEventSink } from '../services/api/event-sink';
import type { ApiHandlers } from '../services/api/handler-table';
import { createAccessToken, tokenCookieName } from './access-token';
import { CLOSE, serveApiSocket } from './api-socket';
import { createRefusalLog } from './refusal-log';
import type { GuardSettings } from './request-guard';
import { checkRequest, hostWithPort, isWildcard } from './request-guard';
import { securityHeaders } from './security-headers';
import { contentTypeOf, lookupStaticFile } from './static-files';

export interface StudioServerOptions {
  /** The built renderer (`out/renderer`). */
  rendererRoot: string;
  handlers: ApiHandlers;
  /** The address to bind; 127.0.0.1 unless the user asks otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A fixed token (tests); a random one by default. */
  token?: string;
  /** Refusals and defects, one line each; stderr by default. */
  log?: (line: string) => void;
  /** Pages connected at once. */
  maxSockets?: number;
  /** The largest WebSocket message accepted. */
  maxMessageBytes?: number;
}

export interface StudioServer {
  /** The URL to open, with the token (`http://127.0.0.1:PORT/?token=...`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** Sends an event to every connected page. */
  readonly events: EventSink;
  /** Stops accepting, closes every connection, and resolves when the port is free. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const REFUSAL_BODY: Record<number, string> = {
  401: 'This CNN Studio server needs its token: open the URL that "cnn-studio serve" printed.',
  403: 'This CNN Studio server refused the request.',
};

/** The path of a request target, without its query; null for absolute-form or empty targets. */
function requestPath(url: string | undefined): string | null {
  if (!url || !url.startsWith('/')) return null;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function peerOf(request: IncomingMessage): string {
  const { remoteAddress, remotePort } = request.socket;
  return `${remoteAddress ?? 'unknown'}:${remotePort ?? '?'}`;
}

/** True when starting failed only because the port is taken (the caller may try another). */
export function isPortInUse(error: unknown): boolean {
  return error instanceof StudioError && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** `EADDRINUSE` and friends as sentences. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): StudioError {
  if (error.code === 'EADDRINUSE') {
    return new StudioError('invalid-argument', `Port ${port} on ${host} is already in use.`, { hint: 'Choose another with --port, or --port 0 for any free one.', where: '--port', cause: error });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new StudioError('invalid-argument', `${host} is not an address of this machine.`, { hint: 'Use 127.0.0.1 (the default), or an address of one of its network interfaces.', where: '--host' });
  }
  if (error.code === 'EACCES') {
    return new StudioError('invalid-argument', `Port ${port} needs administrator rights.`, { hint: 'Choose a port above 1023, or --port 0.', where: '--port' });
  }
  return new StudioError('invalid-argument', `The server could not listen on ${host}:${port} (${error.code ?? error.message}).`, { where: '--host' });
}

/**
 * Browser mode: the built renderer over HTTP and the api over a WebSocket at `/api`, both behind a
 * random token (query parameter on the first visit, then an HttpOnly SameSite=Strict cookie, or an
 * `Authorization: token …` header), a Host check against DNS rebinding, and an Origin check
 * against other sites. It serves nothing outside the renderer bundle.
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? createAccessToken();
  const write = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const refusals = createRefusalLog(write);
  const maxSockets = options.maxSockets ?? 16;
  const sockets = new Set<WebSocket>();
  const senders = new Map<WebSocket, (message: RpcEvent) => void>();
  const settings: GuardSettings = { host, port: options.port ?? 0, token };

  const server = createServer({ maxHeaderSize: 16 * 1024 }, (request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      write(`Defect while serving ${requestPath(request.url) ?? '?'}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!response.headersSent) plain(response, 500, 'The server failed to answer; see its log.');
      else response.destroy();
    });
  });
  // Slow or half-open clients must not hold sockets for long (slowloris).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_RPC_MESSAGE_BYTES, perMessageDeflate: false });

  function plain(response: ServerResponse, status: number, text: string, extra: Record<string, string> = {}, hostHeader?: string): void {
    response.writeHead(status, { ...securityHeaders(hostHeader ?? hostWithPort(host, settings.port)), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    response.end(`${text}\n`);
  }

  function refuse(request: IncomingMessage, status: number, reason: string): void {
    refusals.refuse(`Refused ${request.method ?? '?'} ${(requestPath(request.url) ?? '?').slice(0, 200)} from ${peerOf(request)}: ${reason} (${status}).`);
  }

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const verdict = checkRequest(request, settings);
    if (!verdict.ok) {
      refuse(request, verdict.status, verdict.reason);
      plain(response, verdict.status, REFUSAL_BODY[verdict.status] ?? STATUS_TEXT[verdict.status]!);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refuse(request, 405, 'only GET and HEAD are served');
      plain(response, 405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' }, verdict.host);
      return;
    }
    const path = requestPath(request.url);
    if (path === null) {
      refuse(request, 400, 'the request target is not a path');
      plain(response, 400, STATUS_TEXT[400]!, {}, verdict.host);
      return;
    }
    if (path === WEBSOCKET_PATH) {
      plain(response, 426, 'The api is a WebSocket.', { Upgrade: 'websocket' }, verdict.host);
      return;
    }
    const found = await lookupStaticFile(options.rendererRoot, path);
    if (!found.ok) {
      if (found.status !== 404) refuse(request, found.status, found.reason);
      plain(response, found.status, STATUS_TEXT[found.status]!, {}, verdict.host);
      return;
    }
    const headers: Record<string, string> = {
      ...securityHeaders(verdict.host),
      'Content-Type': contentTypeOf(found.file),
      'Content-Length': String(found.size),
    };
    // From here on the page and its WebSocket carry the token in a cookie the page's scripts cannot read.
    if (verdict.tokenSource === 'query') headers['Set-Cookie'] = `${tokenCookieName(settings.port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    response.writeHead(200, headers);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(found.file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }

  function refuseUpgrade(socket: Duplex, status: number): void {
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const verdict = checkRequest(request, settings);
    if (!verdict.ok) {
      refuse(request, verdict.status, `${verdict.reason} (WebSocket)`);
      refuseUpgrade(socket, verdict.status);
      return;
    }
    if (requestPath(request.url) !== WEBSOCKET_PATH) {
      refuse(request, 404, 'no WebSocket at that path');
      refuseUpgrade(socket, 404);
      return;
    }
    if (sockets.size >= maxSockets) {
      refuse(request, 503, `${maxSockets} pages are connected already`);
      refuseUpgrade(socket, 503);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const peer = peerOf(request);
      sockets.add(ws);
      const { send } = serveApiSocket(ws, { handlers: options.handlers, log: write, peer });
      senders.set(ws, send);
      ws.on('close', () => {
        sockets.delete(ws);
        senders.delete(ws);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, host, settings.port));
    server.once('error', onError);
    server.listen(settings.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  settings.port = typeof address === 'object' && address ? address.port : settings.port;
  // Later errors (a socket failing mid-answer) are logged; they must not end the process.
  server.on('error', (error) => write(`Server error: ${error.message}`));

  const urlHost = hostWithPort(isWildcard(host) ? '127.0.0.1' : host, settings.port);
  let closing: Promise<void> | null = null;

  return {
    url: `http://${urlHost}/?token=${token}`,
    host,
    port: settings.port,
    token,
    events: createEventSink((message) => {
      for (const send of senders.values()) send(message);
    }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of sockets) ws.close(CLOSE.goingAway, 'the server is stopping');
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
        // Sockets that ignore the close frame are cut.
        setTimeout(() => {
          for (const ws of sockets) ws.terminate();
        }, 1000).unref();
      });
      return closing;
    },
  };
}
