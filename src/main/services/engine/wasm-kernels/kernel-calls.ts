import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { getKernel } from '@tensorflow/tfjs';

/**
 * Runs other wasm kernels from inside a project-made kernel, the way TF.js's own backends compose
 * kernels: directly, without the engine (so nothing lands on the gradient tape), disposing every
 * intermediate result when the kernel is done.
 */
export class WasmKernelCalls {
  private readonly intermediates: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs `kernel` of the wasm backend; the result is freed by `dispose` unless it is `keep`-ed. */
  run(kernel: string, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo {
    const config = getKernel(kernel, 'wasm');
    if (!config) throw new Error(`The WebAssembly backend has no ${kernel} kernel.`);
    const func = config.kernelFunc as KernelFunc;
    const out = func({ inputs, attrs: attrs as NamedAttrMap, backend: this.backend }) as TensorInfo;
    this.intermediates.push(out);
    return out;
  }

  /** A new float32 tensor of `shape` (contents undefined), freed by `dispose` unless it is `keep`-ed. */
  allocate(shape: number[]): TensorInfo {
    return this.track(this.backend.makeOutput(shape, 'float32'));
  }

  /** Makes `dispose` free `result` (a kernel's output obtained without `run`). */
  track(result: TensorInfo): TensorInfo {
    this.intermediates.push(result);
    return result;
  }

  /** A view of `x` with another shape (shares the data, as the Reshape kernel does). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Slices `size` elements from `begin` along every axis. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Zero padding, [before, after] per axis; every amount must be >= 0. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** Removes `result` from the intermediates so `dispose` leaves it to the caller. */
  keep(result: TensorInfo): TensorInfo {
    const i = this.intermediates.lastIndexOf(result);
    if (i >= 0) this.intermediates.splice(i, 1);
    return result;
  }

  /** Frees every intermediate result that was not kept. */
  dispose(): void {
    for (const t of this.intermediates) this.backend.disposeData(t.dataId);
    this.intermediates.length = 0;
  }
}

/** Runs `body` with a fresh set of kernel calls and frees its intermediates, whatever happens. */
export function withKernelCalls(backend: BackendWasm, body: (calls: WasmKernelCalls) => TensorInfo): TensorInfo {
  const calls = new WasmKernelCalls(backend);
  try {
    return calls.keep(body(calls));
  } finally {
    calls.dispose();
  }
}
