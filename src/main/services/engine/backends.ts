import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../shared/errors';
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
}

/** A backend that loaded, before the choice is written up. */
interface Loaded {
  name: BackendInfo['name'];
  label: string;
  versions: Record<string, string>;
  gpu: string | null;
}

/** The outcome of trying one backend: loaded, or a reason (a sentence fragment) and an install hint. */
type Attempt = { ok: true; loaded: Loaded } | { ok: false; reason: string; hint: string };

interface Candidate {
  /** Key in messages: "TensorFlow with CUDA", "WebGPU", ... */
  title: string;
  load(): Promise<Attempt>;
}

const TFJS_VERSION = { '@tensorflow/tfjs': tf.version.tfjs };

const NATIVE_HINT = 'Install it with `npm install @tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu` for an NVIDIA GPU with CUDA), or choose another backend.';

/** `@tensorflow/tfjs-node-gpu`: TensorFlow's C library with CUDA. */
const tensorflowCuda: Candidate = {
  title: 'TensorFlow with CUDA',
  load: () => loadNative('@tensorflow/tfjs-node-gpu', 'TensorFlow with CUDA', 'TensorFlow native (CUDA)'),
};

/**
 * WebGPU on a hardware adapter (Metal, Direct3D 12, Vulkan). The slot in the automatic order is kept
 * here, between CUDA and native CPU; the backend itself (Dawn through the `webgpu` package, refusing
 * software adapters unless forced) is not part of this version.
 */
const webgpuHardware: Candidate = {
  title: 'WebGPU',
  load: async () => ({ ok: false, reason: 'WebGPU training is not available in this version', hint: 'Choose another backend (wasm works everywhere).' }),
};

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
 * (`backend-unavailable`) saying why and how to install it.
 */
export async function loadBackend(choice: BackendChoice): Promise<BackendInfo> {
  // The engine's stdout may carry JSON events: keep TF.js's console banners ("Hi, looks like you are
  // running TensorFlow.js in Node.js") out of it.
  tf.enableProdMode();
  // Dilated convolutions train, and padded average pooling gets its true gradient, on every backend.
  registerProjectGradients();
  if (choice === 'auto') {
    const skipped: BackendInfo['skipped'] = [];
    for (const candidate of AUTOMATIC_ORDER) {
      const attempt = await candidate.load();
      if (attempt.ok) {
        const reason = skipped.length ? `Chosen automatically: ${skipped.map((s) => s.reason).join('; ')}.` : 'Chosen automatically: the fastest backend available.';
        return { ...attempt.loaded, reason, choice, skipped };
      }
      skipped.push({ backend: candidate.title, reason: attempt.reason });
    }
    throw new StudioError('backend-unavailable', 'No TensorFlow.js backend could be started, not even plain JavaScript.', { hint: 'Report this as a defect.', where: 'backend' });
  }
  const candidates: Record<Exclude<BackendChoice, 'auto'>, readonly Candidate[]> = {
    tensorflow: [tensorflowCuda, tensorflowCpu],
    webgpu: [webgpuHardware],
    wasm: [webAssembly],
    cpu: [plainJs],
  };
  const failures: Extract<Attempt, { ok: false }>[] = [];
  for (const candidate of candidates[choice]) {
    const attempt = await candidate.load();
    if (attempt.ok) return { ...attempt.loaded, reason: `Chosen by the backend setting (${choice}).`, choice, skipped: [] };
    failures.push(attempt);
  }
  const last = failures[failures.length - 1]!;
  throw new StudioError('backend-unavailable', `The ${choice} backend cannot be used: ${failures.map((f) => f.reason).join('; ')}.`, { hint: last.hint, where: 'backend' });
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

async function loadWasm(): Promise<Attempt> {
  const hint = 'Reinstall CNN Studio (the WebAssembly files of @tensorflow/tfjs-backend-wasm are missing or damaged), or choose the cpu backend.';
  let version: string;
  try {
    ({ version_wasm: version } = await import('@tensorflow/tfjs-backend-wasm'));
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm did not load (${firstLine(error)})`, hint };
  }
  // The threaded build starts its workers from a blob URL, which Node cannot run.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  registerWasmTrainingKernels();
  try {
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the WebAssembly backend did not start', hint };
  } catch (error) {
    return { ok: false, reason: `the WebAssembly backend did not start (${firstLine(error)})`, hint };
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { ok: true, loaded: { name: 'wasm', label: `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, 1 thread)`, versions: { ...TFJS_VERSION, '@tensorflow/tfjs-backend-wasm': version }, gpu: null } };
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
