import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { relaxedSimdSupported, simdKernelChoice, simdKernelsFor, useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';

describe('choosing the wasm kernels', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });
  afterAll(() => useSimdKernels(undefined));

  it('defaults_to_fused_multiply_adds_where_relaxed_simd_compiles', () => {
    // Node 20 compiles relaxed SIMD once its V8 flag is set, which relaxedSimdSupported does.
    expect(relaxedSimdSupported()).toBe(true);
    expect(simdKernelChoice({})).toBe('fma');
  });

  it('follows_CNN_STUDIO_WASM_KERNELS_and_names_it_when_it_is_wrong', () => {
    for (const choice of ['fma', 'simd', 'xnnpack'] as const) expect(simdKernelChoice({ CNN_STUDIO_WASM_KERNELS: choice })).toBe(choice);
    expect(() => simdKernelChoice({ CNN_STUDIO_WASM_KERNELS: 'avx' })).toThrow('CNN_STUDIO_WASM_KERNELS is "avx": use fma, simd or xnnpack (or leave it unset for the fastest available).');
  });

  it('runs_on_the_backends_own_memory_and_steps_aside_for_xnnpack', () => {
    const backend = tf.backend() as unknown as BackendWasm;
    useSimdKernels('simd');
    const plain = simdKernelsFor(backend)!;
    expect(plain.fusedMultiplyAdd).toBe(false);
    useSimdKernels('fma');
    expect(simdKernelsFor(backend)!.fusedMultiplyAdd).toBe(true);
    expect(simdKernelsFor(backend)).toBe(simdKernelsFor(backend));
    useSimdKernels('xnnpack');
    expect(simdKernelsFor(backend)).toBeNull();

    // A product written by the kernels is read back through TF.js: the heaps are one.
    useSimdKernels('simd');
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(Array.from(tf.matMul(a, b).dataSync())).toEqual([4, 5, 10, 11]);
  });
});
