import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { locateDecodeWorker } from '../../data/decode-worker-location';

/**
 * Where the replica worker's code is, and how to start it:
 * - in the electron-vite bundle, `replica-worker.js` is its own entry in `out/main/` (beside the entry
 *   that loads this module, or one folder up from a shared chunk);
 * - from the TypeScript sources (Vitest, scripts), `replica-worker.ts` beside this file, started with
 *   the same type-stripping module hook the decode workers use from sources (data/decode-worker-location.ts).
 */

export interface ReplicaWorkerLocation {
  url: URL;
  execArgv: string[];
  from: 'bundle' | 'sources';
}

const BUNDLED_CANDIDATES = ['./replica-worker.js', '../replica-worker.js'];
// A variable, not a literal, so bundlers do not treat `new URL('...', import.meta.url)` as an asset.
const SOURCE_ENTRY = './replica-worker.ts';

/** Finds the worker entry relative to this module; a reason (a sentence fragment) when it cannot be started. */
export function locateReplicaWorker(base: string = import.meta.url): { location: ReplicaWorkerLocation } | { location: null; reason: string } {
  for (const candidate of BUNDLED_CANDIDATES) {
    const url = new URL(candidate, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { location: { url, execArgv: [], from: 'bundle' } };
  }
  const source = new URL(SOURCE_ENTRY, base);
  if (source.protocol !== 'file:' || !existsSync(fileURLToPath(source))) return { location: null, reason: 'the replica worker (replica-worker.js) was not found beside the engine' };
  const decode = locateDecodeWorker();
  if (!decode.location || decode.location.from !== 'sources') {
    return { location: null, reason: 'the replica worker exists only as TypeScript source and no loader for TypeScript workers is available' };
  }
  return { location: { url: source, execArgv: decode.location.execArgv, from: 'sources' } };
}
