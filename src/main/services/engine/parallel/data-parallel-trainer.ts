import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../../shared/errors';
import type { ModelGraph } from '../../../../shared/graph/model-graph';
import type { ImageBatch, StepResult } from '../../training/train-step';
import type { BackendChoice } from '../backends';
import type { CompiledModel } from '../compile-model';
import type { ShardOptions } from './replica-gradients';
import { copyTensorInto, exchangeVariables, shardGradients, sizeOf, weightedSum } from './replica-gradients';
import type { ReplicaResponse, ReplicaSetup, VariableSpec } from './replica-protocol';
import { replicaResponseSchema } from './replica-protocol';
import type { ReplicaWorkerLocation } from './replica-worker-location';
import { locateReplicaWorker } from './replica-worker-location';

/**
 * Data-parallel training on worker threads: each step splits the batch into shards, one per replica
 * (this thread is replica 0), every replica computes the gradients of its shard on its own copy of
 * the model, and this thread averages them, weighted by shard size, and applies them with the caller's
 * optimizer. Without BatchNorm or Dropout the result is the whole batch's gradient up to float
 * rounding; with BatchNorm each shard normalises with its own statistics (as PyTorch's
 * DistributedDataParallel does without SyncBatchNorm) and the running statistics are averaged over the
 * shards; each replica draws its own dropout masks.
 *
 * Only this thread's model and optimizer are the real ones: replicas take this thread's weights from
 * shared memory at each step, so checkpoints, learning-rate changes and restored weights need nothing
 * from them.
 */

export interface DataParallelOptions extends ShardOptions {
  /** The graph the model was compiled from: each replica compiles it itself. */
  graph: ModelGraph;
  /** Replicas in all, this thread included: 2 = this thread and one worker. */
  replicas: number;
  /** The backend replicas train on (one thread each). */
  backend: BackendChoice;
  seed: number | null;
  /** The largest batch `step` will be given. */
  maxBatch: number;
  /** Tests: where the worker is (default: found beside this module). */
  location?: ReplicaWorkerLocation;
  /** How long a replica may take to start (loading the backend, compiling the model). Default 120 s. */
  startTimeoutMs?: number;
}

/** Where the last step's time went, in milliseconds. */
export interface StepTimings {
  /** This thread's shard: forward, backward. */
  shardMs: number;
  /** Waiting for the slowest replica after this thread's shard. */
  waitMs: number;
  /** Copying weights and gradients through shared memory and averaging them. */
  exchangeMs: number;
  /** The optimizer's update. */
  updateMs: number;
}

interface Pending {
  resolve: (response: Extract<ReplicaResponse, { type: 'done' }>) => void;
  reject: (error: Error) => void;
}

/** One worker thread and its shared buffers. */
class Replica {
  private pending: Pending | null = null;
  private deathReason: string | null = null;
  private readyWaiter: { resolve: () => void; reject: (error: Error) => void } | null = null;
  readonly gradients: Float32Array;
  readonly images: Float32Array;
  readonly labels: Int32Array;

  constructor(
    private readonly worker: Worker,
    setup: ReplicaSetup,
  ) {
    this.gradients = new Float32Array(setup.gradients);
    this.images = new Float32Array(setup.images);
    this.labels = new Int32Array(setup.labels);
    worker.on('message', (raw: unknown) => this.receive(raw));
    worker.on('error', (error: Error) => this.die(`a replica worker failed (${error.message})`));
    worker.on('exit', (code: number) => this.die(`a replica worker stopped (exit code ${code})`));
  }

  ready(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a replica worker did not start within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      this.readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (this.deathReason) this.readyWaiter.reject(new Error(this.deathReason));
    });
  }

  step(id: number, size: number): Promise<Extract<ReplicaResponse, { type: 'done' }>> {
    if (this.deathReason) return Promise.reject(new Error(this.deathReason));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ type: 'step', id, size });
    });
  }

  terminate(): Promise<number> {
    this.deathReason ??= 'the replica worker was stopped';
    return this.worker.terminate();
  }

  private receive(raw: unknown): void {
    const parsed = replicaResponseSchema.safeParse(raw);
    if (!parsed.success) {
      this.die(`a replica worker sent a malformed message (${parsed.error.issues[0]?.message ?? 'unknown'})`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.readyWaiter?.resolve();
      this.readyWaiter = null;
      return;
    }
    if (message.type === 'failed') {
      const error = new Error(message.message);
      if (this.readyWaiter) {
        this.readyWaiter.reject(error);
        this.readyWaiter = null;
      }
      this.takePending()?.reject(error);
      return;
    }
    this.takePending()?.resolve(message);
  }

  private takePending(): Pending | null {
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  private die(reason: string): void {
    if (this.deathReason) return;
    this.deathReason = reason;
    this.readyWaiter?.reject(new Error(reason));
    this.readyWaiter = null;
    this.takePending()?.reject(new Error(reason));
  }
}

/** Splits `n` images into `parts` near-equal shard sizes (larger ones first); zero-size shards are left idle. */
export function shardSizes(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

export class DataParallelTrainer {
  private stepId = 0;
  private disposed = false;
  /** Where the last step's time went. */
  lastTimings: StepTimings = { shardMs: 0, waitMs: 0, exchangeMs: 0, updateMs: 0 };

  private constructor(
    private readonly compiled: CompiledModel,
    private readonly options: DataParallelOptions,
    private readonly workers: Replica[],
    private readonly variables: tf.LayerVariable[],
    private readonly specs: VariableSpec[],
    private readonly weights: Float32Array,
  ) {}

  /**
   * Starts `options.replicas − 1` replica workers for `compiled` (already compiled on this thread from
   * `options.graph`). A StudioError (`backend-unavailable`) when the workers cannot be found or started.
   */
  static async start(compiled: CompiledModel, options: DataParallelOptions): Promise<DataParallelTrainer> {
    const count = Math.max(1, Math.floor(options.replicas));
    const { variables, specs } = exchangeVariables(compiled);
    const total = specs.reduce((sum, s) => sum + sizeOf(s), 0);
    const weights = new Float32Array(new SharedArrayBuffer(total * 4));
    const [h, w, c] = options.inputShape;
    const maxShard = Math.max(1, Math.ceil(options.maxBatch / count));
    const workers: Replica[] = [];
    if (count > 1) {
      const located = options.location ? { location: options.location } : locateReplicaWorker();
      if (!located.location) throw unavailable(located.reason);
      const { location } = located;
      try {
        for (let index = 1; index < count; index++) {
          const setup: ReplicaSetup = {
            index,
            graph: { nodes: options.graph.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params })), edges: options.graph.edges.map((e) => ({ from: e.from, to: e.to })) },
            backend: options.backend,
            seed: options.seed,
            inputShape: [h, w, c],
            classes: options.classes,
            loss: options.loss,
            weightDecay: options.weightDecay,
            variables: specs,
            maxShard,
            weights: weights.buffer as SharedArrayBuffer,
            gradients: new SharedArrayBuffer(total * 4),
            images: new SharedArrayBuffer(maxShard * h * w * c * 4),
            labels: new SharedArrayBuffer(maxShard * 4),
          };
          workers.push(new Replica(new Worker(location.url, { workerData: setup, execArgv: location.execArgv }), setup));
        }
        await Promise.all(workers.map((r) => r.ready(options.startTimeoutMs ?? 120_000)));
      } catch (error) {
        await Promise.all(workers.map((r) => r.terminate()));
        throw unavailable(error instanceof Error ? error.message : String(error));
      }
    }
    return new DataParallelTrainer(compiled, options, workers, variables, specs, weights);
  }

  /** Replicas in all, this thread included. */
  get replicas(): number {
    return this.workers.length + 1;
  }

  /** One optimisation step on `batch` split over the replicas; the loss and correct count are the whole batch's. */
  async step(optimizer: tf.Optimizer, batch: ImageBatch): Promise<StepResult> {
    if (this.disposed) throw new Error('the data-parallel trainer was disposed');
    if (batch.size > this.options.maxBatch) throw new Error(`a batch of ${batch.size} exceeds the ${this.options.maxBatch} the trainer was started for`);
    const started = performance.now();
    const sizes = shardSizes(batch.size, this.replicas);
    const sample = this.options.inputShape[0] * this.options.inputShape[1] * this.options.inputShape[2];
    const id = this.stepId++;
    const busy = this.workers.map((_, i) => sizes[i + 1]! > 0);
    if (busy.some(Boolean)) this.publishWeights();
    // Shards after this thread's, in order.
    let first = sizes[0]!;
    const replies = this.workers.map((replica, i) => {
      const size = sizes[i + 1]!;
      if (!size) return null;
      replica.images.set(batch.x.subarray(first * sample, (first + size) * sample));
      replica.labels.set(batch.y.subarray(first, first + size));
      first += size;
      return replica.step(id, size);
    });
    // Rejections are awaited below; mark them handled now so none is reported as unhandled meanwhile.
    for (const reply of replies) reply?.catch(() => undefined);
    const exchangeBefore = performance.now() - started;
    const shardStart = performance.now();
    const own = shardGradients(this.compiled, batch.x, batch.y, sizes[0]!, this.options);
    const shardMs = performance.now() - shardStart;
    const waitStart = performance.now();
    let results: (Extract<ReplicaResponse, { type: 'done' }> | null)[];
    try {
      results = await Promise.all(replies);
    } catch (error) {
      tf.dispose(own.grads);
      throw new StudioError('training-failed', `Data-parallel training stopped: ${error instanceof Error ? error.message : String(error)}.`, {
        hint: 'Train on one thread (turn data-parallel training off), and report this as a defect.',
      });
    }
    const waitMs = performance.now() - waitStart;
    const exchangeStart = performance.now();
    const n = batch.size;
    const named: tf.NamedTensorMap = {};
    const trainableCount = this.specs.filter((s) => s.trainable).length;
    let offset = 0;
    for (let v = 0; v < this.variables.length; v++) {
      const spec = this.specs[v]!;
      const size = sizeOf(spec);
      const variable = this.variables[v]!;
      if (v < trainableCount) {
        named[(variable.read() as tf.Variable).name] = tf.tidy(() => this.average(own.grads[v]!, sizes, offset, size, n));
      } else {
        // Running statistics: each replica moved them with its shard; keep the size-weighted average.
        const averaged = tf.tidy(() => this.average(variable.read(), sizes, offset, size, n));
        variable.write(averaged);
        averaged.dispose();
      }
      offset += size;
    }
    tf.dispose(own.grads);
    const exchangeMs = exchangeBefore + performance.now() - exchangeStart;
    const updateStart = performance.now();
    optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    const updateMs = performance.now() - updateStart;
    this.lastTimings = { shardMs, waitMs, exchangeMs, updateMs };
    let loss = own.loss * sizes[0]!;
    let correct = own.correct;
    results.forEach((r, i) => {
      if (!r) return;
      loss += r.loss * sizes[i + 1]!;
      correct += r.correct;
    });
    return { loss: loss / n, correct };
  }

  /** Stops the workers. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.workers.map((r) => r.terminate()));
  }

  /** Σ (shard size / n) · value over replicas: this thread's `own`, the workers' from shared memory. */
  private average(own: tf.Tensor, sizes: number[], offset: number, size: number, n: number): tf.Tensor {
    const others = this.workers.flatMap((replica, i) => (sizes[i + 1]! ? [{ values: replica.gradients.subarray(offset, offset + size), weight: sizes[i + 1]! / n }] : []));
    return weightedSum(own, sizes[0]! / n, others);
  }

  /** This thread's weights (BatchNorm statistics included) into shared memory, for the replicas. */
  private publishWeights(): void {
    let offset = 0;
    for (let v = 0; v < this.variables.length; v++) {
      tf.tidy(() => copyTensorInto(this.variables[v]!.read(), this.weights, offset));
      offset += sizeOf(this.specs[v]!);
    }
  }
}

function unavailable(reason: string): StudioError {
  return new StudioError('backend-unavailable', `Data-parallel training could not start: ${reason}.`, {
    hint: 'Train on one thread (turn data-parallel training off); if this keeps happening, report it as a defect.',
  });
}
