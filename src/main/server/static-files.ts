import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

/** Content types of the files a Vite build emits. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type for a file name. */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Where a request path leads inside the bundle, or why it does not. */
export type StaticLookup = { ok: true; file: string; size: number } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps a request path (`/assets/index.js`, already without its query) to a file inside `root`,
 * refusing whatever could leave it: `..` segments (plain or percent-encoded), backslashes, NUL
 * bytes, bad encodings, and symbolic links that point outside. `/` is `index.html`.
 */
export async function lookupStaticFile(root: string, requestPath: string): Promise<StaticLookup> {
  if (!requestPath.startsWith('/')) return { ok: false, status: 400, reason: 'the path is not absolute' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return { ok: false, status: 400, reason: 'the path is not valid percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'the path holds a NUL byte or a backslash' };
  if (decoded.split('/').some((segment) => segment === '..')) return { ok: false, status: 403, reason: 'the path climbs out of the app with ..' };
  const base = resolve(root);
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = resolve(base, relative);
  if (candidate !== base && !candidate.startsWith(base + sep)) return { ok: false, status: 403, reason: 'the path leads outside the app' };
  let real: string;
  let realBase: string;
  try {
    [real, realBase] = await Promise.all([realpath(candidate), realpath(base)]);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!real.startsWith(realBase + sep)) return { ok: false, status: 403, reason: 'the path is a link that leads outside the app' };
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return { ok: false, status: 404, reason: 'no such file' };
  return { ok: true, file: real, size: info.size };
}
