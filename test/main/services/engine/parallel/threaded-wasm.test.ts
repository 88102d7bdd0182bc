import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { wasmThreadsSupported } from '../../../../../src/main/services/engine/parallel/threaded-wasm';
import { simdKernelsFor } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { maxRelativeError } from '../reference-ops';

// Its own test file: the threaded build is fixed for the process once started (Vitest runs each file
// in a fresh process), and every other engine test runs the single-threaded build.
describe('the threaded WebAssembly build in Node', () => {
  beforeAll(() => {
    expect(wasmThreadsSupported()).toBe(true);
  });

  it('starts_with_two_threads_from_files_instead_of_blob_urls', async () => {
    const info = await loadBackend('wasm', { wasmThreads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(getThreadsCount()).toBe(2);
    expect(info.label).toMatch(/^WebAssembly \(SIMD, 2 threads\)$/);
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(true);
  });

  it('computes_convolutions_and_their_gradients_as_the_cpu_backend_does', async () => {
    await loadBackend('wasm', { wasmThreads: 2 });
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([8, 12, 12, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 16, 32], 0, 0.2, 'float32', 2) as tf.Tensor4D;
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))));
        const [dx, dw] = tf.grads(f)([x, w]);
        return { y: tf.conv2d(x, w, 1, 'same').dataSync(), dx: dx!.dataSync(), dw: dw!.dataSync() };
      });
    const threaded = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    expect(maxRelativeError(threaded.y, cpu.y)).toBeLessThan(1e-5);
    expect(maxRelativeError(threaded.dx, cpu.dx)).toBeLessThan(1e-5);
    expect(maxRelativeError(threaded.dw, cpu.dw)).toBeLessThan(1e-5);
  });

  it('shares_the_studio_convolutions_between_its_threads_with_the_one_thread_results', async () => {
    await loadBackend('wasm', { wasmThreads: 2 });
    const kernels = simdKernelsFor(tf.backend() as unknown as BackendWasm)!;
    expect(kernels.threads).toBe(2);
    // Odd batches (images split 2 and 1), a strided kernel, a pointwise one, a 3x3 kernel on 1x1 maps (dead taps).
    type Shape4 = [number, number, number, number];
    const cases: [Shape4, Shape4, number, 'same' | 'valid'][] = [
      [[3, 9, 7, 5], [3, 3, 5, 12], 2, 'same'],
      [[5, 6, 6, 9], [1, 1, 9, 16], 1, 'valid'],
      [[3, 1, 1, 20], [3, 3, 20, 8], 1, 'same'],
    ];
    const run = (xShape: Shape4, wShape: Shape4, stride: number, pad: 'same' | 'valid') =>
      tf.tidy(() => {
        const x = tf.randomNormal(xShape, 0, 1, 'float32', 3) as tf.Tensor4D;
        const w = tf.randomNormal(wShape, 0, 0.3, 'float32', 4) as tf.Tensor4D;
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)));
        const [dx, dw] = tf.grads(f)([x, w]);
        return [tf.conv2d(x, w, stride, pad).dataSync(), dx!.dataSync(), dw!.dataSync()];
      });
    for (const [xShape, wShape, stride, pad] of cases) {
      const shared = run(xShape, wShape, stride, pad);
      kernels.useThreads(1);
      const alone = run(xShape, wShape, stride, pad);
      kernels.useThreads(2);
      shared.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(alone[i]!)));
    }
  });

  it('keeps_its_threads_for_the_process_and_says_so_when_asked_for_others', async () => {
    const info = await loadBackend('wasm', { wasmThreads: 1 });
    expect(info.threads).toBe(2);
    expect(info.reason).toContain('already runs on 2 threads in this process (asked: 1)');
  });
});
