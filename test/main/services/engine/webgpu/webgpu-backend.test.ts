import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { describeAdapter, graphicsApisFor, softwareAdapterReason } from '../../../../../src/main/services/engine/webgpu/adapter-description';
import { DeviceMonitor, WebGpuDeviceError, classifyGpuError } from '../../../../../src/main/services/engine/webgpu/device-failure';
import { assertWebGpuHealthy } from '../../../../../src/main/services/engine/webgpu-backend';
import { StudioError } from '../../../../../src/shared/errors';
import { probeWebGpu, skipWithoutWebGpu } from '../../../../support/webgpu-environment';

const probe = await probeWebGpu();

// Dawn 0.6.2's GPUAdapterInfo for Chromium's SwiftShader, as read on this machine.
const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };

describe('adapters, in words', () => {
  it('names the API, vendor, architecture, device and driver, and marks software', () => {
    expect(describeAdapter(SWIFTSHADER, 'Vulkan')).toMatchObject({
      name: 'google swiftshader: swiftshader-device-subzero- (SwiftShader driver 5.0.0)',
      label: 'WebGPU (Vulkan, google swiftshader: swiftshader-device-subzero- (SwiftShader driver 5.0.0), software)',
      software: 'it is a fallback adapter',
    });
    const apple = describeAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: '' }, 'Metal');
    expect(apple).toMatchObject({ label: 'WebGPU (Metal, apple metal-3)', software: null });
  });

  it('knows software renderers by name where the fallback flag is absent', () => {
    expect(softwareAdapterReason({ ...SWIFTSHADER, isFallbackAdapter: undefined })).toMatch(/software renderer \(swiftshader\)/);
    expect(softwareAdapterReason({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' })).toMatch(/llvmpipe/);
    expect(softwareAdapterReason({ vendor: 'nvidia', architecture: 'ampere', device: 'nvidia-geforce-rtx-3060', description: 'NVIDIA driver 550.54' })).toBeNull();
  });

  it('asks for Metal on macOS, D3D12 then Vulkan on Windows, Vulkan elsewhere', () => {
    expect(graphicsApisFor('darwin')).toEqual(['Metal']);
    expect(graphicsApisFor('win32')).toEqual(['D3D12', 'Vulkan']);
    expect(graphicsApisFor('linux')).toEqual(['Vulkan']);
  });
});

describe('device failures', () => {
  /** A stand-in for a GPUDevice: the events a real one dispatches, sent by the test. */
  function fakeDevice() {
    const listeners: ((event: { error: { constructor: { name: string }; message: string } }) => void)[] = [];
    let lose: (info: { reason: string; message: string }) => void = () => undefined;
    const lost = new Promise<{ reason: string; message: string }>((resolve) => (lose = resolve));
    return { device: { addEventListener: (_type: 'uncapturederror', l: (typeof listeners)[number]) => listeners.push(l), lost }, emit: (error: Error) => listeners.forEach((l) => l({ error })), lose };
  }
  class GPUOutOfMemoryError extends Error {}
  class GPUValidationError extends Error {}

  it('classifies out-of-memory errors and size limits apart from other validation errors', () => {
    expect(classifyGpuError(new GPUOutOfMemoryError('Allocation failed'))).toEqual({ kind: 'out-of-memory', detail: 'Allocation failed' });
    expect(classifyGpuError(new GPUValidationError('Buffer size (1200000000) exceeds the max buffer size limit (1073741824).\n - While calling CreateBuffer'))).toMatchObject({ kind: 'out-of-memory' });
    expect(classifyGpuError(new GPUValidationError("Error while parsing WGSL: cannot index type 'vec6'"))).toMatchObject({ kind: 'error' });
  });

  it('keeps the first failure; a lost device counts, its own release does not', async () => {
    const first = fakeDevice();
    const monitor = new DeviceMonitor(first.device);
    first.emit(new GPUOutOfMemoryError('Out of memory'));
    first.emit(new GPUValidationError('[Invalid Buffer] is invalid due to a previous error.'));
    expect(monitor.failure).toEqual({ kind: 'out-of-memory', detail: 'Out of memory' });
    expect(new WebGpuDeviceError(monitor.failure!).message).toBe('The WebGPU device ran out of memory (Out of memory).');

    const second = fakeDevice();
    const released = new DeviceMonitor(second.device);
    second.lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    await Promise.resolve();
    await Promise.resolve();
    expect(released.failure).toBeNull();

    const third = fakeDevice();
    const lost = new DeviceMonitor(third.device);
    third.lose({ reason: 'unknown', message: 'The device was lost (driver reset).' });
    await Promise.resolve();
    await Promise.resolve();
    expect(lost.failure).toEqual({ kind: 'device-lost', detail: 'The device was lost (driver reset).' });
    expect(lost.lost).toBe(true);
  });
});

describe.skipIf(skipWithoutWebGpu(probe, 'webgpu-backend'))(`the webgpu backend on ${probe.adapter ?? 'no adapter'}`, () => {
  it('is refused to jobs that read synchronously', async () => {
    const error = await loadBackend('webgpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toMatch(/^The webgpu backend cannot be used: WebGPU cannot run this job: it reads results synchronously/);
  });

  it('starts when asked for, naming the adapter', async () => {
    const info = await loadBackend('webgpu', { readsAsync: true });
    expect(tf.getBackend()).toBe('webgpu');
    expect(info).toMatchObject({ name: 'webgpu', choice: 'webgpu', reason: 'Chosen by the backend setting (webgpu).' });
    expect(info.label).toMatch(/^WebGPU \((Vulkan|Metal|D3D12), .+\)$/);
    expect(info.gpu).toBeTruthy();
    expect(info.versions).toMatchObject({ '@tensorflow/tfjs-backend-webgpu': '4.22.0', webgpu: expect.any(String) });
    const y = tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([4, 2])));
    expect(Array.from(await y.data())).toEqual([4, 4, 4, 4, 4, 4]);
    expect(() => y.dataSync()).not.toThrow(); // downloaded once, then held on the CPU
    const z = tf.add(y, 1);
    expect(() => z.dataSync()).toThrow(/cannot read tensor values synchronously/);
    tf.dispose([y, z]);
  });

  it('is never the automatic choice on a software adapter', async () => {
    const info = await loadBackend('auto', { readsAsync: true });
    if (probe.adapter && /swiftshader|llvmpipe|lavapipe/i.test(probe.adapter)) {
      expect(info.name).not.toBe('webgpu');
      expect(info.skipped.find((s) => s.backend === 'WebGPU')?.reason).toMatch(/is not a GPU: /);
    }
  });

  it('reports what the device reports: an allocation beyond its limit fails the next read', async () => {
    await loadBackend('webgpu', { readsAsync: true });
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.createBuffer({ size: device.limits.maxBufferSize + 4, usage: GPUBufferUsage.STORAGE });
    await tf.ones([4]).data();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => assertWebGpuHealthy()).toThrow(/^The WebGPU device ran out of memory \(Buffer size \(\d+\) exceeds the max buffer size limit/);
    // The next start makes a new device.
    await loadBackend('webgpu', { readsAsync: true });
    expect(() => assertWebGpuHealthy()).not.toThrow();
    expect(Array.from(await tf.add(tf.ones([2]), 1).data())).toEqual([2, 2]);
  });
});
