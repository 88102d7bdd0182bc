import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../../src/shared/errors';
import { loadBackend } from '../../../../src/main/services/engine/backends';

/** True when an optional package is installed here (the native TensorFlow ones are not, on this project's machines). */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

// Where the optional native packages are absent, these check what a user without them sees.
describe('loadBackend', () => {
  it('loads_webassembly_with_threads_off', async () => {
    const info = await loadBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ name: 'wasm', choice: 'wasm', gpu: null, skipped: [] });
    expect(info.label).toMatch(/^WebAssembly \((SIMD|no SIMD), 1 thread\)$/);
    expect(info.versions['@tensorflow/tfjs-backend-wasm']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });

  it('automatic_choice_explains_why_native_backends_were_passed_over', async () => {
    const info = await loadBackend('auto');
    if (nativeInstalled) {
      expect(info.name).toBe('tensorflow');
      return;
    }
    expect(info.name).toBe('wasm');
    expect(info.skipped.map((s) => s.backend)).toEqual(['TensorFlow with CUDA', 'WebGPU', 'TensorFlow native']);
    expect(info.reason).toContain('TensorFlow native is not installed (@tensorflow/tfjs-node)');
  });

  it('a_forced_native_backend_that_cannot_load_says_how_to_install_it', async () => {
    const error = await loadBackend('tensorflow').then(
      (info) => info,
      (e: unknown) => e,
    );
    if (nativeInstalled) {
      expect(error).toMatchObject({ name: 'tensorflow' });
      return;
    }
    expect(error).toBeInstanceOf(StudioError);
    const studio = error as StudioError;
    expect(studio.code).toBe('backend-unavailable');
    expect(studio.message).toContain('not installed (@tensorflow/tfjs-node)');
    expect(studio.hint).toContain('npm install @tensorflow/tfjs-node');
    expect(studio.where).toBe('backend');
  });

  it('loads_plain_javascript', async () => {
    const info = await loadBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.name).toBe('cpu');
  });
});
