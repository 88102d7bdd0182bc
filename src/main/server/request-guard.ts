import { hostname as machineName } from 'node:os';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { tokenCookieName, tokensMatch } from './access-token';

/** What the guard needs to know about the server. */
export interface GuardSettings {
  /** The address the server is bound to (`127.0.0.1`, `::1`, `0.0.0.0`, a LAN address). */
  host: string;
  port: number;
  token: string;
}

/** The guard's verdict on one request (HTTP or WebSocket upgrade). */
export type GuardVerdict =
  | { ok: true; host: string; tokenSource: 'query' | 'cookie' | 'header' }
  | { ok: false; status: 401 | 403; reason: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** True for the loopback addresses the server binds to by default. */
export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** True for a bind address that listens on every interface. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** `host:port` as it appears in a URL (IPv6 in brackets). */
export function hostWithPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * True when a `Host` header names this server. DNS rebinding makes a browser send an attacker's
 * name (`evil.example:8888`) to our address, so only the bound address (and, on loopback, the
 * other loopback names) is accepted; on a wildcard bind any IP literal, localhost and this
 * machine's name are, since a rebinding attack needs a DNS name.
 */
export function isAllowedHost(header: string | undefined, settings: Pick<GuardSettings, 'host' | 'port'>): boolean {
  if (!header) return false;
  const value = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const name = match[1]!;
  const port = match[2] === undefined ? 80 : Number(match[2]);
  if (port !== settings.port) return false;
  const bound = settings.host.toLowerCase();
  if (isLoopback(bound)) return LOOPBACK_NAMES.includes(name) || isLoopback(name);
  if (isWildcard(bound)) {
    const bare = name.replace(/^\[|\]$/g, '');
    const me = machineName().toLowerCase();
    return isIP(bare) !== 0 || name === 'localhost' || name === me || name === `${me}.local`;
  }
  return name === bound || name === `[${bound}]`;
}

/**
 * True when a request may come from where it says: no `Origin` (a typed URL, curl) or our own
 * origin; fetch metadata from another site is refused unless it is a top-level navigation (a link,
 * which cannot read the answer).
 */
export function isAllowedOrigin(request: Pick<IncomingMessage, 'headers'>, host: string): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`) return false;
  const site = request.headers['sec-fetch-site'];
  const mode = request.headers['sec-fetch-mode'];
  if ((site === 'cross-site' || site === 'same-site') && mode !== 'navigate') return false;
  return true;
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token a request presents, and where: the `token` query parameter, the cookie, or a header. */
export function presentedToken(request: Pick<IncomingMessage, 'headers' | 'url'>, port: number): { token: string; source: 'query' | 'cookie' | 'header' } | null {
  const query = queryOf(request.url ?? '');
  const fromQuery = new URLSearchParams(query).get('token');
  if (fromQuery) return { token: fromQuery, source: 'query' };
  const auth = request.headers.authorization;
  const fromAuth = auth && /^token\s+(\S+)$/i.exec(auth)?.[1];
  if (fromAuth) return { token: fromAuth, source: 'header' };
  const custom = request.headers['x-cnn-studio-token'];
  if (typeof custom === 'string' && custom) return { token: custom, source: 'header' };
  const fromCookie = cookieValue(request.headers.cookie, tokenCookieName(port));
  if (fromCookie) return { token: fromCookie, source: 'cookie' };
  return null;
}

function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

/**
 * Checks one request in the order that leaks least: the Host (DNS rebinding), the Origin (other
 * sites), then the token: 401 when none is presented, 403 when it is wrong. The `Referer` is never
 * read: a token leaked in one proves nothing about who sends it.
 */
export function checkRequest(request: Pick<IncomingMessage, 'headers' | 'url'>, settings: GuardSettings): GuardVerdict {
  const host = request.headers.host;
  if (!isAllowedHost(host, settings)) return { ok: false, status: 403, reason: `the Host header ${JSON.stringify(host ?? null).slice(0, 80)} is not this server's address` };
  if (!isAllowedOrigin(request, host!)) return { ok: false, status: 403, reason: `it comes from another origin (${String(request.headers.origin ?? request.headers['sec-fetch-site']).slice(0, 80)})` };
  const presented = presentedToken(request, settings.port);
  if (!presented) return { ok: false, status: 401, reason: 'it has no token' };
  if (!tokensMatch(presented.token, settings.token)) return { ok: false, status: 403, reason: `its token (from the ${presented.source}) is wrong` };
  return { ok: true, host: host!, tokenSource: presented.source };
}
