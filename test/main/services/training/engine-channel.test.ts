import { describe, expect, it } from 'vitest';
import { engineEnvironment, isGpuProbeNoise, stderrLineFilter } from '../../../../src/main/services/training/engine-channel';

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

  it('drops_the_blank_line_that_ends_dawns_message_and_keeps_other_blank_lines', () => {
    // What Dawn prints on a machine without a usable GPU and without XDG_RUNTIME_DIR, then the engine's own output.
    const stderr = [
      'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
      'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
      ' - While initializing adapter (backend=BackendType::Vulkan)',
      '    at InitializeImpl (/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
      '',
      'Error: out of memory',
      '',
      'details',
    ];
    expect(stderr.filter(stderrLineFilter())).toEqual(['Error: out of memory', '', 'details']);
  });
});
