/**
 * The ways the benchmark trains on this machine's CPU, each in its own process (a process can hold
 * only one build of the WebAssembly backend):
 * - `wasm`: the single-threaded SIMD build, the default of the studio;
 * - `wasm-threads`: the threaded build on N threads (parallel/threaded-wasm.ts): the studio's SIMD
 *   convolutions share each job among the threads, XNNPACK splits its own ops;
 * - `wasm-replicas`: data-parallel training, N single-threaded replicas on worker threads
 *   (parallel/data-parallel-trainer.ts);
 * - `cpu`: TF.js's plain JavaScript kernels (LeNet-5 only, a few steps: it is very slow).
 */
export const BENCH_BACKENDS = ['wasm', 'wasm-threads', 'wasm-replicas', 'cpu'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

/** A backend run: which, and with how many threads or replicas. */
export interface BenchBackendRun {
  backend: BenchBackend;
  threads: number;
}

/** Short label for tables: "wasm 1 thread", "wasm 2 threads", "wasm 2 replicas", "cpu (plain JS)". */
export function backendLabel(run: BenchBackendRun): string {
  switch (run.backend) {
    case 'wasm':
      return 'wasm, 1 thread';
    case 'wasm-threads':
      return `wasm, ${run.threads} threads`;
    case 'wasm-replicas':
      return `wasm, ${run.threads} replicas (data-parallel)`;
    case 'cpu':
      return 'cpu (plain JS)';
  }
}
