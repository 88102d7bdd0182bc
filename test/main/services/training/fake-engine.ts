import type { EngineCommand } from '../../../../src/shared/api/engine-protocol';
import type { RunEvent } from '../../../../src/shared/run/run-events';
import type { EngineChannel, EngineExit, EngineLauncher } from '../../../../src/main/services/training/engine-channel';

/**
 * A stand-in engine process: it says it is ready, records the commands it receives, and sends what
 * the test tells it to (events, a result, a failure, or a crash), as engine-entry.ts would.
 */
export class FakeEngine implements EngineChannel {
  readonly pid = 4242;
  readonly commands: EngineCommand[] = [];
  jobId: string | null = null;
  job: string | null = null;
  params: unknown = null;
  private messageListeners: ((message: unknown) => void)[] = [];
  private exitListeners: ((exit: EngineExit) => void)[] = [];
  private exited: EngineExit | null = null;
  /** When false, pause/stop commands are recorded but not acted on (an engine busy in a long batch). */
  obeys = true;

  constructor() {
    queueMicrotask(() => this.post({ type: 'ready', pid: this.pid }));
  }

  send(command: EngineCommand): void {
    if (this.exited) return;
    this.commands.push(command);
    if (command.type === 'start') {
      this.jobId = command.jobId;
      this.job = command.job;
      this.params = command.params;
    } else if (command.type === 'stop' && this.obeys && this.job === 'train') {
      queueMicrotask(() => this.result({ status: 'stopped', runDir: (this.params as { runDir: string }).runDir, epochs: 0, bestEpoch: null }));
    } else if (command.type === 'shutdown') {
      queueMicrotask(() => this.exit({ code: 0, signal: null }));
    }
  }

  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }

  onExit(listener: (exit: EngineExit) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  kill(): void {
    this.exit({ code: null, signal: 'SIGKILL' });
  }

  /** Sends a run event of the running job. */
  event(event: RunEvent): void {
    this.post({ type: 'event', jobId: this.jobId, event });
  }

  result(result: unknown): void {
    this.post({ type: 'result', jobId: this.jobId, result });
  }

  fail(error: { code: string; message: string; hint?: string }): void {
    this.post({ type: 'failed', jobId: this.jobId, error });
  }

  /** The process dies (out of memory, killed from outside). */
  crash(): void {
    this.exit({ code: null, signal: 'SIGKILL' });
  }

  commandTypes(): string[] {
    return this.commands.map((c) => c.type);
  }

  private post(message: unknown): void {
    if (this.exited) return;
    for (const listener of this.messageListeners) listener(message);
  }

  private exit(exit: EngineExit): void {
    if (this.exited) return;
    this.exited = exit;
    for (const listener of this.exitListeners) listener(exit);
  }
}

/** A launcher that makes fake engines and keeps them for the test. */
export function fakeLauncher(): EngineLauncher & { engines: FakeEngine[]; last(): FakeEngine } {
  const engines: FakeEngine[] = [];
  const launch = () => {
    const engine = new FakeEngine();
    engines.push(engine);
    return engine;
  };
  return Object.assign(launch, { engines, last: () => engines.at(-1)! });
}

/** Run events as the trainer sends them, for a run of `epochs` epochs of `batches` batches. */
export const runEvents = {
  start: (runDir: string, epochs = 3): RunEvent => ({
    type: 'start',
    runDir,
    backend: { name: 'wasm', label: 'WebAssembly (SIMD, 1 thread)', reason: 'TensorFlow native not installed', gpu: null },
    classes: ['a', 'b'],
    trainImages: 80,
    valImages: 20,
    epochs,
    batchSize: 8,
    params: { trainable: 100, nonTrainable: 0, total: 100 },
    resumedFrom: null,
    warnings: [],
  }),
  batch: (epoch: number, batch: number, loss = 1 / batch, batches = 10): RunEvent => ({ type: 'batch', epoch, batch, batches, loss, accuracy: 0.5, imagesPerSecond: 100, learningRate: 0.001, eta: 5 }),
  epoch: (epoch: number, epochs = 3): RunEvent => ({
    type: 'epoch',
    epoch,
    epochs,
    loss: 1 / epoch,
    accuracy: 0.5 + epoch / 10,
    valLoss: 1.1 / epoch,
    valAccuracy: 0.45 + epoch / 10,
    imagesPerSecond: 100,
    seconds: 1,
    learningRate: 0.001,
    eta: epochs - epoch,
    best: true,
  }),
  status: (status: 'paused' | 'resumed', epoch = 1): RunEvent => ({ type: 'status', status, message: `${status} in epoch ${epoch}.`, epoch }),
  done: (runDir: string, status: 'completed' | 'stopped', epochs: number): RunEvent => ({ type: 'done', status, epochs, bestEpoch: epochs, runDir, message: null, valLoss: null, valAccuracy: null, seconds: 3 }),
};
