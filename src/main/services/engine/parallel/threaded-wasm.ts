import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { WasmImports } from '../webassembly-api';
import { webAssembly } from '../webassembly-api';

/**
 * TF.js's threaded WebAssembly build (XNNPACK's thread pool over shared memory), started in Node.
 * TF.js 4.22 turns threads off in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false there) because its own
 * start-up cannot work there:
 * - it gives Emscripten a `blob:` URL for the pthread worker script and a Blob for the main script,
 *   and Node's worker_threads run neither. Here the worker is a `data:` URL module that sets up the
 *   CommonJS globals the worker script expects and evaluates it, and the main script is the glue
 *   file's path (which the worker script reads from disk);
 * - the worker script in `wasm-out/` is a module exporting the script as a string, whose `\n` escapes
 *   must be escaped again before evaluation (as TF.js does for its blob);
 * - TF.js's C++ caps the thread pool at half the logical cores (it assumes hyper-threading), which is
 *   one thread on a two-core machine: the module is told of twice the threads asked for, through its
 *   `emscripten_num_logical_cores` import.
 * The module then backs the `wasm` backend, so TF.js's and the project's wasm kernels all apply.
 */


/** What the Emscripten glue's factory is given. */
interface EmscriptenConfig {
  locateFile(path: string, prefix: string): string | URL;
  mainScriptUrlOrBlob: string;
  instantiateWasm(imports: WasmImports, receive: (instance: object, module: object) => void): object;
}

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];
type Cwrap = (name: string, returns: string | null, args: string[]) => (...values: number[]) => number;
type EmscriptenModule = { tfjs?: WasmModule['tfjs']; cwrap: Cwrap };

const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER = 'tfjs-backend-wasm-threaded-simd.worker.js';
const BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

/** TF.js's own `wasm` backend factory, kept so that a failed threaded start can be undone. */
type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

/** Whether this Node can run WebAssembly threads at all (shared memory and worker threads). */
export function wasmThreadsSupported(): boolean {
  try {
    return typeof SharedArrayBuffer === 'function' && new webAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * Makes the `wasm` backend the threaded build with `threads` threads (2 or more). Call before the
 * backend first starts (`tf.setBackend('wasm')`); returns TF.js's own factory so a caller can put it
 * back with `restoreWasmFactory` when the threaded start fails.
 */
export function useThreadedWasm(threads: number): BackendFactory | null {
  const original = tf.findBackendFactory('wasm') as BackendFactory | null;
  tf.removeBackend('wasm');
  // Priority 2, as TF.js registers the wasm backend.
  tf.registerBackend('wasm', () => withTimeout(startThreadedWasm(threads), START_TIMEOUT_MS), 2);
  return original;
}

/** Puts TF.js's own (single-threaded) `wasm` backend factory back. */
export function restoreWasmFactory(original: BackendFactory): void {
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', original, 2);
}

/** How long the module and its pthread workers may take to start before the caller falls back to one thread. */
const START_TIMEOUT_MS = 60_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the threaded WebAssembly build did not start within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

async function startThreadedWasm(threads: number): Promise<BackendWasm> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve(GLUE);
  const folder = dirname(gluePath);
  const factory = require(gluePath) as (config: EmscriptenConfig) => Promise<EmscriptenModule>;
  const { wasmWorkerContents } = require(join(folder, WORKER)) as { wasmWorkerContents: string };
  const binary = await readFile(join(folder, BINARY));
  const workerUrl = workerModuleUrl(gluePath, wasmWorkerContents);
  const module = await factory({
    locateFile: (path, prefix) => (path.endsWith('.worker.js') ? workerUrl : path.endsWith('.wasm') ? join(folder, BINARY) : prefix + path),
    mainScriptUrlOrBlob: gluePath,
    instantiateWasm: (imports, receive) => {
      imports.env!.emscripten_num_logical_cores = () => 2 * threads;
      void webAssembly.instantiate(binary, imports).then(({ instance, module: compiled }) => receive(instance, compiled));
      return {};
    },
  });
  // The bridge TF.js's own start-up adds (tf-backend-wasm's `init`).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  } as unknown as WasmModule['tfjs'];
  setThreadsCount(threads);
  return new BackendWasm(module as unknown as WasmModule);
}

/** A `data:` URL ES module that runs Emscripten's pthread worker script as the CommonJS script it is. */
function workerModuleUrl(gluePath: string, workerScript: string): URL {
  const script = workerScript.replace(/\n/g, '\\n');
  const source = [
    "import { createRequire } from 'node:module';",
    `globalThis.require = createRequire(${JSON.stringify(pathToFileURL(gluePath).href)});`,
    `globalThis.__filename = ${JSON.stringify(gluePath)};`,
    // Indirect eval: the script's top-level `var`s become globals, as in a classic worker.
    `(0, eval)(${JSON.stringify(script)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}
