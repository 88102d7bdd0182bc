import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where the decode worker's code is, and how to start it:
 * - in the electron-vite bundle, `decode-worker.js` is its own entry in `out/main/`, beside the entry
 *   that loads this module or one folder up from a shared chunk (`out/main/chunks/`);
 * - from the TypeScript sources (Vitest, scripts), `decode-worker.ts` sits beside this file and is
 *   started with a module hook that strips its types with the `typescript` package (a development
 *   dependency, so this path never exists in a packaged app).
 * Null, with the reason, when neither can be used: the loader then decodes on its own thread.
 */

export interface DecodeWorkerLocation {
  url: URL;
  execArgv: string[];
  from: 'bundle' | 'sources';
}

const BUNDLED_CANDIDATES = ['./decode-worker.js', '../decode-worker.js'];
// A variable, not a literal, so bundlers do not treat `new URL('...', import.meta.url)` as an asset.
const SOURCE_ENTRY = './decode-worker.ts';

/** Finds the worker entry relative to this module (`base` for tests). */
export function locateDecodeWorker(base: string = import.meta.url): { location: DecodeWorkerLocation } | { location: null; reason: string } {
  for (const candidate of BUNDLED_CANDIDATES) {
    const url = new URL(candidate, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { location: { url, execArgv: [], from: 'bundle' } };
  }
  const source = new URL(SOURCE_ENTRY, base);
  if (source.protocol !== 'file:' || !existsSync(fileURLToPath(source))) {
    return { location: null, reason: `the decode worker (decode-worker.js) was not found beside ${safePath(base)}` };
  }
  let typescript: string;
  try {
    typescript = createRequire(base).resolve('typescript');
  } catch {
    return { location: null, reason: 'the decode worker exists only as TypeScript source and the typescript package is not installed' };
  }
  return { location: { url: source, execArgv: ['--import', typeScriptHookRegistration(typescript)], from: 'sources' } };
}

function safePath(url: string): string {
  try {
    return fileURLToPath(new URL('.', url));
  } catch {
    return url;
  }
}

/**
 * A `--import` data: URL that registers resolve/load hooks: relative imports without an extension find
 * `.ts` files (the sources' convention), and `.ts` files are transpiled (types erased) on load.
 */
function typeScriptHookRegistration(typescriptPath: string): string {
  const hooks = `
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from ${JSON.stringify(pathToFileURL(typescriptPath).href)};
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.startsWith('file:') && parent.endsWith('.ts') && (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const base = new URL(specifier, parent).href;
    for (const url of [base, base + '.ts', base + '/index.ts']) {
      const path = fileURLToPath(url);
      if (existsSync(path) && !path.endsWith('/') && (url === base ? /\\.[cm]?[jt]s$/.test(path) : true)) return { url, shortCircuit: true };
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const fileName = fileURLToPath(url);
    const source = await readFile(fileName, 'utf8');
    const output = ts.transpileModule(source, {
      fileName,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, useDefineForClassFields: true, sourceMap: false },
    });
    return { format: 'module', source: output.outputText, shortCircuit: true };
  }
  return next(url, context);
}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
}
