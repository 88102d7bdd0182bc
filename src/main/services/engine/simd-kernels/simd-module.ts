import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs';
import { StudioError } from '../../../../shared/errors';
import { SIMD_KERNEL_BINARIES } from './simd-kernels.generated';
import type { WasmMemory } from '../webassembly-api';
import { webAssembly } from '../webassembly-api';

/** The kernels ./assembly/index.ts exports; every pointer is a byte offset of TF.js's wasm heap. */
export interface SimdKernelExports {
  packedSize(k: number, n: number): number;
  packB(b: number, rowStride: number, colStride: number, k: number, n: number, out: number): void;
  gemm(a: number, lda: number, bp: number, k: number, c: number, ldc: number, m: number, n: number, accumulate: boolean): void;
  transpose(src: number, rows: number, cols: number, out: number): void;
  CONTROL_BYTES: { value: number };
  workerLoop(control: number, index: number): void;
  stopWorkers(control: number): void;
  /** Returns the im2col width (live taps × input channels). */
  setGeometry(h: number, w: number, ci: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, oh: number, ow: number, co: number): number;
  packFilter(w: number, transposed: boolean, out: number): void;
  conv2dForward(control: number, x: number, n: number, wp: number, y: number, scratch: number, scratchBytes: number, blockRows: number, bias: number, activation: number): void;
  conv2dInputGradient(control: number, dy: number, n: number, wtp: number, dx: number, scratch: number, scratchBytes: number, blockRows: number): void;
  conv2dFilterGradient(control: number, x: number, n: number, dy: number, dw: number, columns: number, columnBytes: number, sums: number, blockRows: number): void;
  singleChannelPaddedWidth(ow: number, kw: number): number;
  singleChannelFilterGradient(x: number, n: number, dy: number, dw: number, padded: number, planes: number): void;
  channelSums(a: number, b: number, rows: number, channels: number, mode: number, out: number, partial: number): void;
  channelAffine(a: number, b: number, out: number, rows: number, channels: number, k1: number, k2: number, centre: number, shift: number): void;
  /** Pooling gradients take their geometry from setGeometry (dilations 1, ci = co = the channels). */
  maxPoolGradient(x: number, dy: number, dx: number, n: number): void;
  tanh(x: number, y: number, count: number): void;
  tanhGradient(dy: number, y: number, dx: number, count: number): void;
  addRowVector(a: number, v: number, out: number, rows: number, cols: number): void;
  sumRows(x: number, rows: number, cols: number, out: number, sums: number): void;
  avgPoolGradient(dy: number, dx: number, n: number, scale: number): void;
  adam(w: number, m: number, v: number, g: number, w1: number, m1: number, v1: number, count: number, beta1: number, beta2: number, epsilon: number, step: number, unbias: number): void;
}

/**
 * Which kernels run the wasm backend's products: `fma` (relaxed SIMD's fused multiply-add, where the
 * JavaScript engine has it), `simd` (the same kernels with separate multiplies and adds) or `xnnpack`
 * (TF.js's own kernels only). The environment variable CNN_STUDIO_WASM_KERNELS picks one for
 * benchmarks and comparisons; by default the fastest available.
 */
export type SimdKernelChoice = 'fma' | 'simd' | 'xnnpack';

export interface SimdKernels {
  readonly exports: SimdKernelExports;
  /** True when the kernels use fused multiply-adds (relaxed SIMD). */
  readonly fusedMultiplyAdd: boolean;
  /**
   * Threads that share the convolutions: TF.js's thread count on its threaded build (shared memory;
   * helper threads run the same kernels on the same heap), else 1.
   */
  readonly threads: number;
  /** The control block of the convolution entry points (see the assembly's `dispatch`). */
  readonly control: number;
  /** Shares the convolutions among the first `count` threads only (1 … threads); tests compare. */
  useThreads(count: number): void;
  /** A pointer to `bytes` bytes of TF.js's heap, freed by `free`. */
  malloc(bytes: number): number;
  free(pointer: number): void;
  /** The heap offset of a tensor's data. */
  pointer(t: TensorInfo): number;
  /** Views of the heap; make them after the last allocation (a growing heap detaches older views). */
  floats(pointer: number, count: number): Float32Array;
  doubles(pointer: number, count: number): Float64Array;
}

/** TF.js's Emscripten module, as far as this file needs it. */
interface EmscriptenModule {
  asm?: { memory?: WasmMemory };
  wasmMemory?: WasmMemory;
  tfjs?: { getThreadsCount?: () => number };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

const decoded = new Map<keyof typeof SIMD_KERNEL_BINARIES, Uint8Array>();

function binary(name: keyof typeof SIMD_KERNEL_BINARIES): Uint8Array {
  let bytes = decoded.get(name);
  if (!bytes) {
    bytes = Uint8Array.from(Buffer.from(SIMD_KERNEL_BINARIES[name], 'base64'));
    decoded.set(name, bytes);
  }
  return bytes;
}

let relaxedSupport: boolean | undefined;

/**
 * Whether this JavaScript engine compiles relaxed SIMD. Electron's V8 has it on; Node 20's has it behind
 * a V8 flag, which is set here before any module using it is compiled (the flag only enables the
 * instructions; nothing else of V8 changes).
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport === undefined) {
    let valid = webAssembly.validate(binary('relaxed'));
    if (!valid) {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      valid = webAssembly.validate(binary('relaxed'));
    }
    relaxedSupport = valid;
  }
  return relaxedSupport;
}

/** The kernel choice: CNN_STUDIO_WASM_KERNELS where set (an unknown value is an error), else the fastest available. */
export function simdKernelChoice(environment: NodeJS.ProcessEnv = process.env): SimdKernelChoice {
  const asked = environment.CNN_STUDIO_WASM_KERNELS?.trim();
  if (asked) {
    if (asked !== 'fma' && asked !== 'simd' && asked !== 'xnnpack') {
      throw new StudioError('invalid-argument', `CNN_STUDIO_WASM_KERNELS is "${asked}": use fma, simd or xnnpack (or leave it unset for the fastest available).`, { where: 'CNN_STUDIO_WASM_KERNELS' });
    }
    if (asked === 'fma' && !relaxedSimdSupported()) {
      throw new StudioError('invalid-argument', 'CNN_STUDIO_WASM_KERNELS is "fma" but this JavaScript engine has no relaxed SIMD: use simd or xnnpack.', { where: 'CNN_STUDIO_WASM_KERNELS' });
    }
    return asked;
  }
  return relaxedSimdSupported() ? 'fma' : 'simd';
}

let chosen: SimdKernelChoice | undefined;

/** Sets the kernel choice of this process (benchmarks and tests compare them); undefined goes back to the default. */
export function useSimdKernels(choice: SimdKernelChoice | undefined): void {
  if (choice === 'fma' && !relaxedSimdSupported()) throw new Error('This JavaScript engine has no relaxed SIMD: the fma kernels cannot run.');
  chosen = choice;
}

const instances = new WeakMap<BackendWasm, Map<SimdKernelChoice, SimdKernels>>();

/** The SIMD kernels on `backend`'s heap, or null where the choice is `xnnpack`. Made once per backend and choice. */
export function simdKernelsFor(backend: BackendWasm): SimdKernels | null {
  chosen ??= simdKernelChoice();
  if (chosen === 'xnnpack') return null;
  let byChoice = instances.get(backend);
  if (!byChoice) {
    byChoice = new Map();
    instances.set(backend, byChoice);
  }
  let kernels = byChoice.get(chosen);
  if (!kernels) {
    kernels = instantiate(backend, chosen === 'fma');
    byChoice.set(chosen, kernels);
  }
  return kernels;
}

function instantiate(backend: BackendWasm, fusedMultiplyAdd: boolean): SimdKernels {
  const module = backend.wasm as unknown as EmscriptenModule;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory) throw new Error("TF.js's WebAssembly backend exposes no memory for the studio's kernels.");
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const name = fusedMultiplyAdd ? (shared ? 'relaxedShared' : 'relaxed') : shared ? 'plainShared' : 'plain';
  const bytes = binary(name);
  const instance = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } });
  const exports = instance.exports as unknown as SimdKernelExports;
  const malloc = (size: number) => {
    const pointer = module._malloc(size);
    if (!pointer) throw new Error(`The WebAssembly engine could not allocate ${size} bytes of working memory.`);
    return pointer;
  };
  const threads = shared ? Math.max(1, Math.floor(module.tfjs?.getThreadsCount?.() ?? 1)) : 1;
  // Lives as long as the backend (one block per instance, a few dozen bytes).
  const control = malloc(exports.CONTROL_BYTES.value);
  const slots = new Int32Array(memory.buffer, control, exports.CONTROL_BYTES.value / 4);
  slots.fill(0);
  // Slot 3: the threads sharing a job.
  slots[3] = threads;
  startHelpers(bytes, memory, control, threads);
  return {
    exports,
    fusedMultiplyAdd,
    threads,
    control,
    useThreads: (count) => {
      new Int32Array(memory.buffer, control, 4)[3] = Math.max(1, Math.min(threads, Math.floor(count)));
    },
    malloc,
    free: (pointer) => module._free(pointer),
    pointer: (t) => backend.dataIdMap.get(t.dataId)!.memoryOffset,
    floats: (pointer, count) => new Float32Array(memory.buffer, pointer, count),
    doubles: (pointer, count) => new Float64Array(memory.buffer, pointer, count),
  };
}

/**
 * The helper threads' script: instantiate the kernels on the shared heap and wait for jobs in the
 * kernels' own loop (it returns only on stopWorkers). Evaluated, so no file has to ship with it.
 */
const HELPER_SCRIPT = `
const { workerData } = require('node:worker_threads');
const { binary, memory, control, index } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } });
instance.exports.workerLoop(control, index);
`;

/** Starts threads − 1 helpers; they do not keep the process alive. */
function startHelpers(bytes: Uint8Array, memory: WasmMemory, control: number, threads: number): void {
  for (let index = 1; index < threads; index++) {
    const worker = new Worker(HELPER_SCRIPT, { eval: true, workerData: { binary: bytes, memory, control, index } });
    worker.unref();
  }
}
