import { availableParallelism } from 'node:os';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import { multiplyAddsPerImage } from '../../../shared/shapes/compute-cost';

/**
 * Below this forward cost per image the threaded WebAssembly build loses: the studio's convolutions
 * and XNNPACK's ops are split across the threads, and a small net's ops cost more to split than to
 * run (`npm run bench`: LeNet-5, 0.4 M multiply-adds, trains at 0.87x on 2 threads; the VGG-style net
 * and ResNet-18, tens of millions, at 1.5-1.6x). See docs/performance.md.
 */
export const THREADED_WASM_MIN_MULTIPLY_ADDS = 5_000_000;

/** More threads than this gain little and take cores from the decode workers. */
const MAX_WASM_THREADS = 4;

/** WebAssembly threads for training this network: 1 for small nets, the cores (up to 4) for big ones. */
export function wasmThreadsFor(flat: FlatGraph, cores = availableParallelism()): number {
  if (multiplyAddsPerImage(flat) < THREADED_WASM_MIN_MULTIPLY_ADDS) return 1;
  return Math.max(1, Math.min(cores, MAX_WASM_THREADS));
}
