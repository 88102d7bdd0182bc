/**
 * WebGPU reports failures out of band: an allocation that does not fit, or a validation error, makes
 * an invalid buffer and an `uncapturederror` event, and the ops that use it silently give zeros; a
 * driver reset or a GPU that runs out of memory loses the device. TF.js 4.22's WebGPU backend listens
 * to neither, so a run would go on training on garbage. The monitor keeps the first failure, and the
 * engine throws it where results are read (see `assertWebGpuHealthy`).
 */

export type DeviceFailureKind = 'out-of-memory' | 'device-lost' | 'error';

export interface DeviceFailure {
  kind: DeviceFailureKind;
  /** The first line of the GPU's own message. */
  detail: string;
}

/** A WebGPU device failure, thrown where the engine next reads a result. */
export class WebGpuDeviceError extends Error {
  override readonly name = 'WebGpuDeviceError';
  readonly kind: DeviceFailureKind;

  constructor(failure: DeviceFailure) {
    super(failureSentence(failure));
    this.kind = failure.kind;
  }
}

function failureSentence(failure: DeviceFailure): string {
  switch (failure.kind) {
    case 'out-of-memory':
      return `The WebGPU device ran out of memory (${failure.detail}).`;
    case 'device-lost':
      return `The WebGPU device was lost (${failure.detail}).`;
    case 'error':
      return `The WebGPU device reported an error (${failure.detail}).`;
  }
}

/** Validation messages of allocations larger than the device allows: the same advice as running out of memory. */
const SIZE_LIMIT = /out of memory|exceeds the max(imum)? buffer size|maxBufferSize|maxStorageBufferBindingSize|allocation failed|failed to allocate/i;

/** Classifies a `GPUError` from an `uncapturederror` event (by class name: the classes are Dawn's globals). */
export function classifyGpuError(error: { constructor: { name: string }; message: string }): DeviceFailure {
  const detail = firstLine(error.message);
  if (error.constructor.name === 'GPUOutOfMemoryError' || SIZE_LIMIT.test(error.message)) return { kind: 'out-of-memory', detail };
  return { kind: 'error', detail };
}

/** The parts of a `GPUDevice` the monitor listens to. */
export interface MonitoredDevice {
  addEventListener(type: 'uncapturederror', listener: (event: { error: { constructor: { name: string }; message: string } }) => void): void;
  readonly lost: Promise<{ reason: string; message: string }>;
}

/** Keeps the first failure of one device. */
export class DeviceMonitor {
  #failure: DeviceFailure | null = null;

  constructor(device: MonitoredDevice) {
    device.addEventListener('uncapturederror', (event) => this.record(classifyGpuError(event.error)));
    void device.lost.then((info) => {
      // `destroyed` is the studio's own release of the device, not a failure.
      if (info.reason !== 'destroyed') this.record({ kind: 'device-lost', detail: firstLine(info.message) || `reason: ${info.reason}` });
    });
  }

  get failure(): DeviceFailure | null {
    return this.#failure;
  }

  /** True once the device is lost: its backend must be started again on a new device. */
  get lost(): boolean {
    return this.#failure?.kind === 'device-lost';
  }

  /** Records a failure; later ones are usually consequences of the first ("invalid due to a previous error"). */
  record(failure: DeviceFailure): void {
    this.#failure ??= failure;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
