import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { StudioError } from '../../../../../src/shared/errors';

// A Vulkan driver list naming no file: Dawn finds no adapter, as on a Linux machine without a driver.
// Set before anything loads Dawn (it is loaded on first use), in this file's own test process.
process.env.VK_ICD_FILENAMES = '/nonexistent/cnn-studio-no-driver.json';

describe.skipIf(process.platform !== 'linux')('WebGPU without an adapter (Linux, no Vulkan driver)', () => {
  it('a forced webgpu is a StudioError saying why and what to install', async () => {
    const error = await loadBackend('webgpu', { readsAsync: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('backend-unavailable');
    expect((error as StudioError).message).toBe('The webgpu backend cannot be used: no WebGPU adapter was found (Dawn found no Vulkan GPU).');
    expect((error as StudioError).hint).toMatch(/libvulkan1/);
  });

  it('the automatic choice passes over WebGPU, saying why', async () => {
    const info = await loadBackend('auto', { readsAsync: true });
    expect(info.name).not.toBe('webgpu');
    expect(info.skipped).toContainEqual({ backend: 'WebGPU', reason: 'no WebGPU adapter was found (Dawn found no Vulkan GPU)' });
  });
});
