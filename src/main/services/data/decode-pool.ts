import { Worker } from 'node:worker_threads';
import type { DecodeWorkerLocation } from './decode-worker-location';
import { locateDecodeWorker } from './decode-worker-location';
import { workerResponseSchema } from './decode-worker-protocol';
import type { WorkerResponse } from './decode-worker-protocol';
import type { FileReader } from './image-decoder';
import { hashKey } from './random';
import type { ProcessedSamples, ProcessorConfig, ProcessorStats, SampleJob } from './sample-processor';
// A static import on purpose: it loads sharp on this thread before any worker starts. On glibc Linux
// sharp must be loaded by the main thread first, or a worker that exits can unload libvips while
// another thread still uses it (sharp's installation notes, "Worker threads").
import { SampleProcessor } from './sample-processor';

/**
 * Sample processing on worker threads, so that decoding, augmentation and normalisation never block
 * the thread that trains. Each file always goes to the same worker (by a hash of its path), so each
 * worker's cache holds its own share of the images and the shares add up to the budget. Falls back to
 * processing on the calling thread, and says why, when the worker cannot be found or started, or when
 * a worker dies.
 */

export interface DecodePoolOptions {
  config: ProcessorConfig;
  /** Worker threads; 0 processes on the calling thread. */
  workers: number;
  /** Where the worker is; default: found beside this module. Null forces the in-thread fallback. */
  location?: DecodeWorkerLocation | null;
  /** How long a worker may take to start (loading sharp, or transpiling from sources). */
  startTimeoutMs?: number;
  /** File reads for in-thread processing (tests inject I/O errors). */
  readFile?: FileReader;
}

interface Pending {
  resolve: (result: ProcessedSamples) => void;
  reject: (error: Error) => void;
}

const ZERO_STATS: ProcessorStats = { budgetBytes: 0, bytes: 0, entries: 0, hits: 0, misses: 0, evictions: 0, decodeMs: 0, augmentMs: 0 };

/** One worker thread and its outstanding requests. */
class DecodeWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private deathReason: string | null = null;
  stats: ProcessorStats = { ...ZERO_STATS };
  private readyWaiter: Pending | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (raw: unknown) => this.receive(raw));
    worker.on('error', (error: Error) => this.die(`a decode worker failed (${error.message})`));
    worker.on('exit', (code: number) => this.die(`a decode worker stopped (exit code ${code})`));
  }

  /** Starts a worker and waits for its `ready` message. */
  static start(location: DecodeWorkerLocation, config: ProcessorConfig, timeoutMs: number): Promise<DecodeWorker> {
    const handle = new DecodeWorker(new Worker(location.url, { workerData: config, execArgv: location.execArgv }));
    return new Promise<DecodeWorker>((resolve, reject) => {
      const timer = setTimeout(() => {
        handle.readyWaiter = null;
        reject(new Error(`a decode worker did not start within ${Math.round(timeoutMs / 1000)} s`));
        void handle.terminate();
      }, timeoutMs);
      handle.readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          handle.worker.unref();
          resolve(handle);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  get dead(): boolean {
    return this.deathReason !== null;
  }

  request(jobs: SampleJob[]): Promise<ProcessedSamples> {
    if (this.deathReason !== null) return Promise.reject(new Error(this.deathReason));
    const id = this.nextId++;
    // Referenced only while it owes an answer: an idle pool never keeps the process alive.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<ProcessedSamples>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'process', id, jobs });
    });
  }

  terminate(): Promise<number> {
    this.die('the decode workers were stopped');
    return this.worker.terminate();
  }

  private receive(raw: unknown): void {
    const parsed = workerResponseSchema.safeParse(raw);
    if (!parsed.success) {
      this.die(`a decode worker sent a malformed message (${parsed.error.issues[0]?.message ?? 'unknown'})`);
      return;
    }
    const message: WorkerResponse = parsed.data;
    if (message.type === 'ready') {
      this.readyWaiter?.resolve({ x: new Float32Array(0), failures: [] });
      this.readyWaiter = null;
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.type === 'failed') {
      waiter.reject(new Error(`a decode worker failed (${message.message})`));
      return;
    }
    this.stats = message.stats;
    waiter.resolve({ x: message.x, failures: message.failures });
  }

  private die(reason: string): void {
    if (this.deathReason !== null) return;
    this.deathReason = reason;
    this.readyWaiter?.reject(new Error(reason));
    this.readyWaiter = null;
    for (const waiter of this.pending.values()) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}

/** The pool the batch loader prepares samples with: workers, or the calling thread as a fallback. */
export class DecodePool {
  private workers: DecodeWorker[];
  private inThread: SampleProcessor | null;
  private fallback: string | null;
  /** Counters of workers that are gone (their caches went with them). */
  private retired: ProcessorStats = { ...ZERO_STATS };
  private disposed = false;

  private constructor(
    private readonly options: DecodePoolOptions,
    workers: DecodeWorker[],
    fallback: string | null,
  ) {
    this.workers = workers;
    this.fallback = fallback;
    this.inThread = workers.length === 0 ? new SampleProcessor(options.config, options.readFile) : null;
  }

  /** Starts the workers (or settles for in-thread processing, with the reason). */
  static async start(options: DecodePoolOptions): Promise<DecodePool> {
    const count = Math.max(0, Math.floor(options.workers));
    if (count === 0) return new DecodePool(options, [], null);
    let location = options.location;
    if (location === undefined) {
      const found = locateDecodeWorker();
      if (!found.location) return new DecodePool(options, [], found.reason);
      location = found.location;
    }
    if (location === null) return new DecodePool(options, [], 'decode workers were turned off');
    const share = { ...options.config, cacheBytes: Math.floor(options.config.cacheBytes / count) };
    const started = await Promise.allSettled(Array.from({ length: count }, () => DecodeWorker.start(location, share, options.startTimeoutMs ?? 60_000)));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((w) => w.terminate()));
      return new DecodePool(options, [], `the decode workers could not start: ${(failure.reason as Error).message}`);
    }
    return new DecodePool(options, workers, null);
  }

  get mode(): 'workers' | 'in-thread' {
    return this.workers.length > 0 ? 'workers' : 'in-thread';
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /** Why processing is in-thread although workers were asked for; null otherwise. */
  get fallbackReason(): string | null {
    return this.fallback;
  }

  /** Prepares the jobs (job order in the result); spreads them over the workers. */
  async process(jobs: SampleJob[]): Promise<ProcessedSamples> {
    if (this.disposed) throw new Error('the batch loader was disposed');
    if (this.workers.length === 0) return this.processInThread(jobs);
    const shards = new Map<DecodeWorker, number[]>();
    jobs.forEach((job, i) => {
      const worker = this.workers[hashKey(job.path) % this.workers.length]!;
      const list = shards.get(worker) ?? [];
      list.push(i);
      shards.set(worker, list);
    });
    if (shards.size === 1) {
      // One worker got every job, in order: its array is the batch's (no copy).
      const [worker] = shards.keys();
      return this.requestOrFallBack(worker!, jobs);
    }
    const size = this.sampleSize();
    const x = new Float32Array(jobs.length * size);
    const failures: ProcessedSamples['failures'] = [];
    await Promise.all(
      [...shards].map(async ([worker, indices]) => {
        const result = await this.requestOrFallBack(worker, indices.map((i) => jobs[i]!));
        indices.forEach((jobIndex, k) => x.set(result.x.subarray(k * size, (k + 1) * size), jobIndex * size));
        for (const f of result.failures) failures.push({ ...f, job: indices[f.job]! });
      }),
    );
    failures.sort((a, b) => a.job - b.job);
    return { x, failures };
  }

  stats(): ProcessorStats {
    const all = [this.retired, ...this.workers.map((w) => w.stats), this.inThread?.stats() ?? ZERO_STATS];
    const sum = (key: keyof ProcessorStats) => all.reduce((total, s) => total + s[key], 0);
    return {
      budgetBytes: this.options.config.cacheBytes,
      bytes: sum('bytes'),
      entries: sum('entries'),
      hits: sum('hits'),
      misses: sum('misses'),
      evictions: sum('evictions'),
      decodeMs: sum('decodeMs'),
      augmentMs: sum('augmentMs'),
    };
  }

  /** Stops the workers; pending requests fail. Safe to call twice. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private async requestOrFallBack(worker: DecodeWorker, jobs: SampleJob[]): Promise<ProcessedSamples> {
    try {
      return await worker.request(jobs);
    } catch (error) {
      if (this.disposed) throw error;
      this.fallBack((error as Error).message);
      return this.processInThread(jobs);
    }
  }

  private processInThread(jobs: SampleJob[]): Promise<ProcessedSamples> {
    this.inThread ??= new SampleProcessor(this.options.config, this.options.readFile);
    return this.inThread.process(jobs);
  }

  /** A worker died or failed: stop them all and carry on in-thread (one cache, the whole budget). */
  private fallBack(reason: string): void {
    if (this.workers.length === 0) return;
    this.fallback = `${reason}; decoding continues on the training thread`;
    for (const worker of this.workers) {
      const s = worker.stats;
      this.retired = { ...this.retired, hits: this.retired.hits + s.hits, misses: this.retired.misses + s.misses, evictions: this.retired.evictions + s.evictions, decodeMs: this.retired.decodeMs + s.decodeMs, augmentMs: this.retired.augmentMs + s.augmentMs };
      void worker.terminate();
    }
    this.workers = [];
  }

  private sampleSize(): number {
    const p = this.options.config.preprocessing;
    return p.height * p.width * p.channels;
  }
}
