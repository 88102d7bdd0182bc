import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import type * as WebGpuBackendPackage from '@tensorflow/tfjs-backend-webgpu';
import type * as DawnPackage from 'webgpu';
import type { AdapterDescription, GraphicsApi } from './webgpu/adapter-description';
import { describeAdapter, graphicsApisFor } from './webgpu/adapter-description';
import { DeviceMonitor, WebGpuDeviceError } from './webgpu/device-failure';
import { registerWebGpuKernels } from './webgpu/kernels';

/**
 * TF.js's WebGPU backend on Dawn (the `webgpu` package's `dawn.node`, a Node-API addon that loads in
 * plain Node and in Electron's utility process alike).
 *
 * `@tensorflow/tfjs-backend-webgpu` 4.22 registers itself on import only where `navigator.gpu` exists,
 * asks that for an adapter of its own, and its backend's constructor checks `navigator.gpu` again. Here
 * the package is imported before `navigator.gpu` is set (so it registers nothing), the adapter is chosen
 * and described first (a software one is refused unless asked for), and the backend is registered with
 * a factory that makes the device on that adapter, with the same features and limits as TF.js's own.
 * Dawn's `GPUBufferUsage`, `GPUMapMode`... constants, which the backend reads as globals, are set where
 * missing. Everything is loaded on first use: a process that never asks for WebGPU never loads Dawn.
 */

/** The outcome of starting WebGPU: the adapter, or a reason (a sentence fragment) with an install hint. */
export type WebGpuStart = { ok: true; adapter: AdapterDescription; versions: Record<string, string> } | { ok: false; reason: string; hint: string };

export interface WebGpuOptions {
  /** Take a software or fallback adapter too (`--backend webgpu`); the automatic choice takes hardware only. */
  allowSoftware: boolean;
}

type DawnModule = typeof DawnPackage;
type WebGpuBackendClass = typeof WebGpuBackendPackage.WebGPUBackend;

interface Started {
  adapter: AdapterDescription;
  monitor: DeviceMonitor | null;
  versions: Record<string, string>;
}

/** The adapter the `webgpu` backend was registered for in this process (TF.js keeps one backend per name). */
let started: Started | null = null;

type Found = { gpu: GPU; adapter: GPUAdapter; api: GraphicsApi };

/** Dawn's answer, asked once per process (an adapter gives one device): the automatic choice asks on every run. */
let probe: Promise<Found | null> | null = null;

// Not named `require`: the bundler declares its own `require` in the chunk this module lands in.
const requireHere = createRequire(import.meta.url);

/** Starts (or switches back to) TF.js's `webgpu` backend on the best adapter Dawn finds. */
export async function startWebGpu(options: WebGpuOptions): Promise<WebGpuStart> {
  if (started?.monitor?.failure) await forgetFailedBackend();
  if (started) {
    const refused = refusal(started.adapter, options);
    if (refused) return refused;
    return (await activate()) ?? { ok: true, adapter: started.adapter, versions: started.versions };
  }
  let dawn: DawnModule;
  let backendPackage: typeof WebGpuBackendPackage;
  try {
    dawn = await import('webgpu');
  } catch (error) {
    return { ok: false, reason: `the WebGPU library (Dawn, from the webgpu package) did not load (${firstLine(error)})`, hint: 'Reinstall CNN Studio, or choose another backend.' };
  }
  try {
    backendPackage = await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu did not load (${firstLine(error)})`, hint: 'Reinstall CNN Studio, or choose another backend.' };
  }
  registerWebGpuKernels();
  probe ??= findAdapter(dawn);
  const found = await probe;
  if (!found) return { ok: false, reason: noAdapterReason(), hint: noAdapterHint() };
  // GPUAdapterInfo's fields are getters on its prototype: read each (a spread copies none).
  const info = found.adapter.info;
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (found.adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const adapter = describeAdapter({ vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '', isFallbackAdapter: fallback }, found.api);
  const refused = refusal(adapter, options);
  if (refused) return refused;

  installDawnGlobals(dawn, found.gpu);
  const state: Started = { adapter, monitor: null, versions: { '@tensorflow/tfjs': tf.version.tfjs, '@tensorflow/tfjs-backend-webgpu': packageVersion('@tensorflow/tfjs-backend-webgpu'), webgpu: packageVersion('webgpu') } };
  // A factory registered by the package itself (where another module set navigator.gpu first) would pick its own adapter.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const device = await found.adapter.requestDevice(deviceDescriptor(found.adapter));
      state.monitor = new DeviceMonitor(device);
      return new (withReadableSyncFailure(backendPackage.WebGPUBackend))(device, found.adapter.info);
    },
    // Below cpu and wasm: TF.js never starts it on its own, only when asked by name.
    0,
  );
  started = state;
  return (await activate()) ?? { ok: true, adapter, versions: state.versions };
}

/** Throws the first failure the WebGPU device reported (out of memory, lost), if any; a no-op elsewhere. */
export function assertWebGpuHealthy(): void {
  const failure = started?.monitor?.failure;
  if (failure && tf.getBackend() === 'webgpu') throw new WebGpuDeviceError(failure);
}

/** The adapter under the registered `webgpu` backend, or null where WebGPU was never started. */
export function webGpuAdapter(): AdapterDescription | null {
  return started?.adapter ?? null;
}

async function activate(): Promise<Extract<WebGpuStart, { ok: false }> | null> {
  try {
    if (await tf.setBackend('webgpu')) return null;
  } catch (error) {
    return { ok: false, reason: `the WebGPU backend did not start on ${started!.adapter.name} (${firstLine(error)})`, hint: 'Update the GPU driver, or choose another backend.' };
  }
  return { ok: false, reason: `the WebGPU backend did not start on ${started!.adapter.name}`, hint: 'Update the GPU driver, or choose another backend.' };
}

function refusal(adapter: AdapterDescription, options: WebGpuOptions): Extract<WebGpuStart, { ok: false }> | null {
  if (!adapter.software || options.allowSoftware) return null;
  return {
    ok: false,
    reason: `the only WebGPU adapter, ${adapter.name}, is not a GPU: ${adapter.software}, slower than the CPU backends`,
    hint: 'Install the driver of your GPU; or choose webgpu explicitly (--backend webgpu) to train on the software adapter anyway.',
  };
}

/** Asks Dawn for an adapter through each native API of the platform, high-performance GPU first. */
async function findAdapter(dawn: DawnModule): Promise<Found | null> {
  for (const api of graphicsApisFor(process.platform)) {
    let gpu: GPU;
    try {
      gpu = dawn.create([`backend=${api.toLowerCase()}`]);
    } catch {
      continue;
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (adapter) return { gpu, adapter, api };
  }
  return null;
}

/** TF.js's own device request (tfjs-backend-webgpu 4.22, base.ts): the adapter's limits for big tensors. */
function deviceDescriptor(adapter: GPUAdapter): GPUDeviceDescriptor {
  const limits = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  return {
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  };
}

/**
 * The backend with a readable error for synchronous reads. TF.js 4.22's `readSync` of a tensor held on
 * the GPU draws it into an `OffscreenCanvas` (a browser API), and Dawn in Node can only map buffers
 * asynchronously: `dataSync()` cannot work there ("OffscreenCanvas is not defined"). Values already
 * on the CPU (after `await data()`, or never uploaded) read as before. Upstream (tfjs-backend-webgpu
 * 4.22.0): `readSync` has no path for runtimes without OffscreenCanvas, such as Node with Dawn.
 */
function withReadableSyncFailure(Base: WebGpuBackendClass): WebGpuBackendClass {
  return class StudioWebGpuBackend extends Base {
    override readSync(dataId: object): tf.backend_util.BackendValues {
      const data = this.tensorMap.get(dataId);
      if (data.values != null || data.dtype === 'string' || data.dtype === 'complex64') return super.readSync(dataId);
      throw new Error('WebGPU cannot read tensor values synchronously in Node.js (dataSync); read them with `await tensor.data()`.');
    }
  };
}

/** Sets `navigator.gpu` and Dawn's WebGPU constants and classes where this runtime has none of its own. */
function installDawnGlobals(dawn: DawnModule, gpu: GPU): void {
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals as Record<string, unknown>)) {
    if (scope[name] === undefined) scope[name] = value;
  }
  // Node 21+ (Electron's utility process) has a `navigator` of its own; Node 20 has none.
  const navigator = scope.navigator as Record<string, unknown> | undefined;
  if (navigator && typeof navigator === 'object') Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

/** After a failure the backend's buffers are invalid: the next start makes a new device. */
async function forgetFailedBackend(): Promise<void> {
  if (tf.getBackend() === 'webgpu') await tf.setBackend('cpu');
  try {
    tf.removeBackend('webgpu');
  } catch {
    // A lost device may fail to release what it no longer has.
  }
  // The registration is made again on the next start, on a freshly requested adapter.
  started = null;
  probe = null;
}

function noAdapterReason(): string {
  const apis = graphicsApisFor(process.platform).join(' or ');
  return `no WebGPU adapter was found (Dawn found no ${apis} GPU)`;
}

function noAdapterHint(): string {
  switch (process.platform) {
    case 'darwin':
      return 'WebGPU needs macOS 11 or later on a Mac with Metal; choose another backend.';
    case 'win32':
      return 'Install or update the driver of your GPU (Direct3D 12 or Vulkan), or choose another backend.';
    default:
      return 'Install the Vulkan loader and your GPU\'s Vulkan driver (on Debian or Ubuntu: `sudo apt install libvulkan1 mesa-vulkan-drivers`, or NVIDIA\'s driver), or choose another backend. A software adapter for tests: set VK_ICD_FILENAMES to a SwiftShader ICD file (Chromium ships /usr/lib/chromium/vk_swiftshader_icd.json) and XDG_RUNTIME_DIR.';
  }
}

function packageVersion(name: string): string {
  try {
    return (requireHere(`${name}/package.json`) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
