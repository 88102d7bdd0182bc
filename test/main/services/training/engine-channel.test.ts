import { describe, expect, it } from 'vitest';
import { engineEnvironment, isGpuProbeNoise } from '../../../../src/main/services/training/engine-channel';

describe('the engine process environment', () => {
  it('limits_malloc_arenas_unless_the_user_chose_a_value', () => {
    expect(engineEnvironment({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
    expect(engineEnvironment({ MALLOC_ARENA_MAX: '8' })).toEqual({ MALLOC_ARENA_MAX: '8' });
  });
});

describe('the engine stderr filter', () => {
  it('drops_only_the_gpu_probe_noise', () => {
    const noise = [
      'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
      'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
      ' - While initializing adapter (backend=BackendType::Vulkan)',
      '    at InitializeImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
    ];
    expect(noise.filter(isGpuProbeNoise)).toEqual(noise);
    for (const kept of ['Error: out of memory', '    at trainRun (file:///out/main/engine.js:10:5)', 'Warning: something else']) expect(isGpuProbeNoise(kept)).toBe(false);
  });
});
