import { StudioError } from '../../../shared/errors';
import { WebGpuDeviceError } from '../engine/webgpu/device-failure';

/**
 * Training that runs out of memory: a GPU that cannot allocate (WebGPU's out-of-memory errors, a
 * buffer larger than the device allows, a lost device), WebAssembly's heap that cannot grow, or
 * JavaScript's allocations failing. Such a run stops with a sentence that points at the batch and the
 * input size, and keeps its checkpoints.
 */

/** Messages of allocation failures, by runtime: WebGPU (Dawn), Emscripten's heap, V8. */
const OUT_OF_MEMORY = [
  /out of memory/i,
  /\bOOM\b/,
  /exceeds the max(imum)? buffer size/i,
  /max(Buffer|StorageBufferBindingSize)/,
  /device (was |is )?lost/i,
  /failed to allocate/i,
  /allocation failed/i,
  /Cannot enlarge memory/i,
  /Maximum memory size exceeded/i,
  /WebAssembly\.Memory\(\)?: could not allocate/i,
  /Invalid typed array length/i,
];

/** True for an error that says memory (or the GPU holding it) ran out. */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof WebGpuDeviceError) return error.kind !== 'error';
  if (error instanceof StudioError) return false;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return OUT_OF_MEMORY.some((pattern) => pattern.test(message));
}

export interface OutOfMemoryContext {
  /** The backend's label ("WebGPU (Vulkan, …)", "WebAssembly (SIMD, 1 thread)"). */
  backend: string;
  /** The name of the GPU, where the backend runs on one. */
  gpu: string | null;
  batchSize: number;
  /** Height, width and channels of the network's input. */
  input: readonly number[];
  runDir: string;
  /** The last checkpoint folder written, if any (kept: the run can resume from it). */
  lastCheckpoint: string | null;
  /** Epochs completed before the failure. */
  epochsCompleted: number;
}

/** The StudioError for an out-of-memory failure: what ran out, the likely cause and what to lower. */
export function outOfMemoryError(error: unknown, context: OutOfMemoryContext): StudioError {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  const where = context.gpu ? `the GPU (${context.gpu})` : context.backend;
  const [height, width, channels] = context.input;
  const smaller = Math.max(1, Math.floor(context.batchSize / 2));
  const message = `Training ran out of memory on ${where} during epoch ${context.epochsCompleted + 1}: a batch of ${context.batchSize} images of ${height}x${width}x${channels} and the activations it makes do not fit (${detail}).`;
  const kept = context.lastCheckpoint
    ? `the last checkpoint (${context.lastCheckpoint}) is kept in ${context.runDir}, and the run can resume from it.`
    : 'no epoch had completed, so there is no checkpoint.';
  return new StudioError('training-failed', message, {
    hint: `Lower the batch size (try ${smaller}) or the input size in the training settings, or choose a smaller network; ${kept}`,
    where: context.runDir,
    cause: error,
  });
}
