import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type * as WasmPackageTypes from '@tensorflow/tfjs-backend-wasm';
import { StudioError } from '../../../shared/errors';
import { startWebGpu } from './webgpu-backend';
import { restoreWasmFactory, useThreadedWasm, wasmThreadsSupported } from './parallel/threaded-wasm';
import { registerProjectGradients, registerWasmTrainingKernels } from './wasm-kernels';

/** What the user (or `--backend`) asks for; `auto` takes the fastest that loads. */
export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

/** The backend a run trains on, as recorded in the run and shown to people. */
export interface BackendInfo {
  /** TF.js's name of the active backend: `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  /** For people: "TensorFlow native (CUDA)", "WebAssembly (SIMD, 1 thread)", "plain JavaScript". */
  label: string;
  /** Why this one: "Chosen automatically: TensorFlow native is not installed." */
  reason: string;
  /** What was asked for. */
  choice: BackendChoice;
  /** Package versions: `@tensorflow/tfjs` and the backend's own package. */
  versions: Record<string, string>;
  /** The GPU's name where the backend runs on one, else null. */
  gpu: string | null;
  /** The faster backends passed over (automatic choice only), each with the reason. */
  skipped: { backend: string; reason: string }[];
  /** Threads of the backend's own kernels: the WebAssembly thread pool's size; 1 for the others' count as TF.js reports none. */
  threads?: number;
}

/** How a backend is started. */
export interface BackendOptions {
  /**
   * WebAssembly threads: 1 (the default) is the single-threaded SIMD build; 2 or more the threaded
   * build, whose XNNPACK kernels (convolutions, matrix products) share the work. The build and its
   * threads are fixed for the process once the wasm backend has started.
   */
  wasmThreads?: number;
  /**
   * The caller reads tensor values only asynchronously (`await data()`), as the trainer does. WebGPU in
   * Node cannot read them synchronously (`dataSync`), so only such callers may get it.
   */
  readsAsync?: boolean;
}

/** A backend that loaded, before the choice is written up. */
interface Loaded {
  name: BackendInfo['name'];
  label: string;
  versions: Record<string, string>;
  gpu: string | null;
  threads?: number;
  /** Why the backend runs otherwise than asked (a thread count it could not have). */
  note?: string;
}

/** The outcome of trying one backend: loaded, or a reason (a sentence fragment) and an install hint. */
type Attempt = { ok: true; loaded: Loaded } | { ok: false; reason: string; hint: string };

interface Candidate {
  /** Key in messages: "TensorFlow with CUDA", "WebGPU", ... */
  title: string;
  load(options: BackendOptions): Promise<Attempt>;
}

const TFJS_VERSION = { '@tensorflow/tfjs': tf.version.tfjs };

const NATIVE_HINT = 'Install it with `npm install @tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu` for an NVIDIA GPU with CUDA), or choose another backend.';

/** `@tensorflow/tfjs-node-gpu`: TensorFlow's C library with CUDA. */
const tensorflowCuda: Candidate = {
  title: 'TensorFlow with CUDA',
  load: () => loadNative('@tensorflow/tfjs-node-gpu', 'TensorFlow with CUDA', 'TensorFlow native (CUDA)'),
};

/**
 * WebGPU (Dawn through the `webgpu` package, see webgpu-backend.ts) on a hardware adapter: Metal,
 * Direct3D 12, Vulkan. The automatic choice never takes a software or fallback adapter.
 */
const webgpuHardware: Candidate = { title: 'WebGPU', load: (options) => loadWebGpu(options, false) };

/** `--backend webgpu`: any adapter, a software one (SwiftShader) included. */
const webgpuAnyAdapter: Candidate = { title: 'WebGPU', load: (options) => loadWebGpu(options, true) };

/** `@tensorflow/tfjs-node`: TensorFlow's C library on the CPU. */
const tensorflowCpu: Candidate = {
  title: 'TensorFlow native',
  load: () => loadNative('@tensorflow/tfjs-node', 'TensorFlow native', 'TensorFlow native (CPU)'),
};

const webAssembly: Candidate = { title: 'WebAssembly', load: loadWasm };

const plainJs: Candidate = {
  title: 'plain JavaScript',
  load: async () => {
    if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the plain JavaScript backend did not start', hint: 'Report this as a defect.' };
    return { ok: true, loaded: { name: 'cpu', label: 'plain JavaScript (slow)', versions: { ...TFJS_VERSION }, gpu: null } };
  },
};

/** Fastest first. Issue 12 puts a hardware WebGPU adapter after CUDA and before native CPU. */
const AUTOMATIC_ORDER: readonly Candidate[] = [tensorflowCuda, webgpuHardware, tensorflowCpu, webAssembly, plainJs];

/**
 * Loads and activates a TF.js backend. `auto` takes the first of CUDA → (WebGPU) → TensorFlow native →
 * WebAssembly → plain JS that loads; a forced backend that cannot load is a StudioError
 * (`backend-unavailable`) saying why and how to install it. `pytorch` (the PyTorch engine, which runs
 * outside TF.js) means `auto` here: TF.js work on such a run or project takes the fastest TF.js backend.
 */
export async function loadBackend(requested: BackendChoice | 'pytorch', options: BackendOptions = {}): Promise<BackendInfo> {
  const choice: BackendChoice = requested === 'pytorch' ? 'auto' : requested;
  // The engine's stdout may carry JSON events: keep TF.js's console banners ("Hi, looks like you are
  // running TensorFlow.js in Node.js") out of it.
  tf.enableProdMode();
  // Dilated convolutions train, and padded average pooling gets its true gradient, on every backend.
  registerProjectGradients();
  if (choice === 'auto') {
    const skipped: BackendInfo['skipped'] = [];
    for (const candidate of AUTOMATIC_ORDER) {
      const attempt = await candidate.load(options);
      if (attempt.ok) {
        const reason = skipped.length ? `Chosen automatically: ${skipped.map((s) => s.reason).join('; ')}.` : 'Chosen automatically: the fastest backend available.';
        return info(attempt.loaded, reason, choice, skipped);
      }
      skipped.push({ backend: candidate.title, reason: attempt.reason });
    }
    throw new StudioError('backend-unavailable', 'No TensorFlow.js backend could be started, not even plain JavaScript.', { hint: 'Report this as a defect.', where: 'backend' });
  }
  const candidates: Record<Exclude<BackendChoice, 'auto'>, readonly Candidate[]> = {
    tensorflow: [tensorflowCuda, tensorflowCpu],
    webgpu: [webgpuAnyAdapter],
    wasm: [webAssembly],
    cpu: [plainJs],
  };
  const failures: Extract<Attempt, { ok: false }>[] = [];
  for (const candidate of candidates[choice]) {
    const attempt = await candidate.load(options);
    if (attempt.ok) return info(attempt.loaded, `Chosen by the backend setting (${choice}).`, choice, []);
    failures.push(attempt);
  }
  const last = failures[failures.length - 1]!;
  throw new StudioError('backend-unavailable', `The ${choice} backend cannot be used: ${failures.map((f) => f.reason).join('; ')}.`, { hint: last.hint, where: 'backend' });
}

function info(loaded: Loaded, reason: string, choice: BackendChoice, skipped: BackendInfo['skipped']): BackendInfo {
  const { note, ...rest } = loaded;
  return { ...rest, reason: note ? `${reason} ${note}` : reason, choice, skipped };
}

/** Imports a native TensorFlow package by name (optional dependencies: absent is a reason, not a crash). */
async function loadNative(packageName: string, title: string, label: string): Promise<Attempt> {
  let module: { version?: Record<string, string> };
  try {
    // A variable specifier keeps bundlers from resolving (and requiring) the optional package.
    const specifier: string = packageName;
    module = (await import(specifier)) as { version?: Record<string, string> };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const reason = missing ? `${title} is not installed (${packageName})` : `${title} is installed but did not load (${packageName}: ${firstLine(error)})`;
    return { ok: false, reason, hint: NATIVE_HINT };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${packageName} loaded but its backend did not start`, hint: NATIVE_HINT };
  } catch (error) {
    return { ok: false, reason: `${packageName} loaded but its backend did not start (${firstLine(error)})`, hint: NATIVE_HINT };
  }
  const gpu = packageName.endsWith('-gpu') ? await nvidiaGpuName() : null;
  const versions = { ...TFJS_VERSION, [packageName]: module.version?.['tfjs-node'] ?? 'unknown' };
  return { ok: true, loaded: { name: 'tensorflow', label, versions, gpu } };
}

type WasmPackage = typeof WasmPackageTypes;

/** The wasm backend's threads once it has started in this process: its build cannot change afterwards. */
let wasmThreadsStarted: number | null = null;

async function loadWasm(options: BackendOptions): Promise<Attempt> {
  const hint = 'Reinstall CNN Studio (the WebAssembly files of @tensorflow/tfjs-backend-wasm are missing or damaged), or choose the cpu backend.';
  let wasm: WasmPackage;
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm did not load (${firstLine(error)})`, hint };
  }
  const asked = Math.max(1, Math.floor(options.wasmThreads ?? 1));
  registerWasmTrainingKernels();
  let note: string | undefined;
  if (wasmThreadsStarted === null) {
    // TF.js's own start-up turns threads off in Node; the threaded build is started by the project (parallel/threaded-wasm.ts).
    let original: ReturnType<typeof useThreadedWasm> = null;
    if (asked > 1 && wasmThreadsSupported()) original = useThreadedWasm(asked);
    else if (asked > 1) note = `WebAssembly threads are not supported by this Node.js, so it runs on 1 thread instead of ${asked}.`;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', asked > 1 && original !== null);
    let started: boolean;
    try {
      started = await tf.setBackend('wasm');
    } catch {
      started = false;
    }
    if (!started && asked > 1 && original) {
      restoreWasmFactory(original);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      note = `The threaded WebAssembly build did not start, so it runs on 1 thread instead of ${asked}.`;
      try {
        started = await tf.setBackend('wasm');
      } catch (error) {
        return { ok: false, reason: `the WebAssembly backend did not start (${firstLine(error)})`, hint };
      }
    }
    if (!started) return { ok: false, reason: 'the WebAssembly backend did not start', hint };
    wasmThreadsStarted = Math.max(1, wasm.getThreadsCount());
  } else {
    try {
      if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the WebAssembly backend did not start', hint };
    } catch (error) {
      return { ok: false, reason: `the WebAssembly backend did not start (${firstLine(error)})`, hint };
    }
  }
  const threads = wasmThreadsStarted;
  if (!note && threads !== asked) note = `The WebAssembly backend already runs on ${threads} thread${threads === 1 ? '' : 's'} in this process (asked: ${asked}).`;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const label = `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  const versions = { ...TFJS_VERSION, '@tensorflow/tfjs-backend-wasm': wasm.version_wasm };
  return { ok: true, loaded: { name: 'wasm', label, versions, gpu: null, threads, ...(note ? { note } : {}) } };
}

async function loadWebGpu(options: BackendOptions, allowSoftware: boolean): Promise<Attempt> {
  if (!options.readsAsync) {
    return {
      ok: false,
      reason: "WebGPU cannot run this job: it reads results synchronously, which TF.js's WebGPU backend cannot do in Node.js (training a network from its own initialisation reads them asynchronously)",
      hint: 'Choose auto, wasm or cpu for it.',
    };
  }
  const start = await startWebGpu({ allowSoftware });
  if (!start.ok) return start;
  return { ok: true, loaded: { name: 'webgpu', label: start.adapter.label, versions: start.versions, gpu: start.adapter.name } };
}

/** The first NVIDIA GPU's name from `nvidia-smi`, or null when it cannot be asked. */
async function nvidiaGpuName(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 5000 });
    return stdout.split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
