import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { resolvePreprocessing } from '../src/shared/project/preprocessing';
import { createProject } from '../src/shared/project/project';
import type { RunEvent } from '../src/shared/run/run-events';
import { analyzeGraph } from '../src/shared/shapes/analyze';
import { buildTemplate } from '../src/shared/templates';
import { compileModel, createAdamOptimizer, loadBackend } from '../src/main/services/engine';
import { trainStep } from '../src/main/services/training/train-step';
import { benchmarkBatchLoader } from '../src/main/services/data/loader-benchmark';
import { scanImageFolder } from '../src/main/services/data/image-folder';
import { forkEngine } from '../src/main/services/training/engine-channel';
import { startTraining } from '../src/main/services/training/training-service';

/**
 * The load-and-memory case of `npm run bench -- --memory` (issue 15): a real training run, in its own
 * engine process as the studio starts it, on a generated folder of 20,000 RGB images at 64x64 whose
 * decoded pixels do not fit the project's cache budget (256 MB), so batches stream from disk and the
 * cache evicts. The engine's peak resident memory (VmHWM, and RSS sampled every 200 ms) must stay under
 * budget + model + 300 MB, and its images/s within 20% of the same training on a folder that fits in
 * the cache (2,000 images, after its first epoch has filled the cache). The folders hold a few hundred
 * distinct images written under many names, are made in a temporary folder and removed at the end.
 */

export interface MemoryBenchOptions {
  /** Images in the folder that does not fit the cache. */
  images: number;
  /** Images in the folder that does. */
  smallImages: number;
  /** Distinct images per class (the rest are copies under other names: cached separately all the same). */
  distinctPerClass: number;
  classes: number;
  /** Square input size. */
  size: number;
  /** `project.dataset.cacheMegabytes` of both runs. */
  cacheMegabytes: number;
  /** Kept small so that the large run's validation is quick; the training split is what streams. */
  validationSplit: number;
  batch: number;
  /** Epochs of the large run (each one reads every image from disk or the cache). */
  epochs: number;
  /** Epochs of the small run: the first fills the cache, the later ones are the in-memory figure. */
  smallEpochs: number;
  /** Allowed over budget + model, in MiB. */
  headroomMegabytes: number;
  /** Allowed slow-down of the streamed run, as a fraction of the in-memory images/s. */
  tolerance: number;
}

export const MEMORY_BENCH_DEFAULTS: MemoryBenchOptions = {
  images: 20_000,
  smallImages: 2_000,
  distinctPerClass: 100,
  classes: 4,
  size: 64,
  cacheMegabytes: 256,
  validationSplit: 0.05,
  batch: 64,
  epochs: 1,
  smallEpochs: 2,
  headroomMegabytes: 300,
  tolerance: 0.2,
};

/** One training run as the engine process lived it. */
export interface MemoryRunFigures {
  images: number;
  trainImages: number;
  valImages: number;
  /** Decoded training split at 8 bits per channel value (what the cache would need to hold it all). */
  decodedTrainBytes: number;
  epochs: number;
  /** images/s of each epoch's training (waiting for data included), as the epoch events report it. */
  imagesPerSecond: number[];
  /** Share of each epoch spent waiting for batches. */
  dataWait: number[];
  epochSeconds: number[];
  /** The engine's RSS when the run started (after loading the backend and opening the data). */
  startRssBytes: number | null;
  /** The engine's RSS at the end of each epoch. */
  epochEndRssBytes: (number | null)[];
  /** Highest RSS seen by sampling every 200 ms. */
  sampledPeakRssBytes: number;
  /** The kernel's high-water mark of the engine's RSS (VmHWM), last read before it exited; null without /proc. */
  highWaterBytes: number | null;
  /** The larger of the two: the figure checked. */
  peakRssBytes: number;
  samples: number;
  seconds: number;
}

/** The batch loader alone over the large folder (no training), for the cache's behaviour beyond its budget. */
export interface LoaderFigures {
  epochs: { imagesPerSecond: number; seconds: number }[];
  budgetBytes: number;
  cachedBytes: number;
  entries: number;
  hits: number;
  misses: number;
  evictions: number;
}

export interface MemoryBenchReport {
  options: MemoryBenchOptions;
  network: string;
  backend: string;
  parameters: number;
  /** Parameters at 4 bytes each. */
  parameterBytes: number;
  /**
   * The model in training: what one training step of a batch takes in the wasm heap (weights,
   * gradients, Adam's moments, the batch's activations), measured in this process on the same
   * backend. The wasm heap only grows, so the engine keeps this much for the whole run.
   */
  modelBytes: number;
  budgetBytes: number;
  limitBytes: number;
  large: MemoryRunFigures;
  small: MemoryRunFigures;
  loader: LoaderFigures;
  memory: { peakBytes: number; limitBytes: number; pass: boolean };
  /** The large run's slowest epoch against the small run's epochs after the first (their median). */
  speed: { streamedImagesPerSecond: number; inMemoryImagesPerSecond: number; ratio: number; pass: boolean };
  machine: { cpus: number; loadBefore: number[]; loadAfter: number[] };
  generateSeconds: number;
  totalSeconds: number;
}

const MiB = 2 ** 20;

/** A small xorshift generator, so the images are the same on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** A class's look: a bright blob whose quadrant is the class, over a soft gradient and noise. */
async function distinctImage(size: number, classIndex: number, variant: number): Promise<Buffer> {
  const random = generator(1 + classIndex * 7919 + variant * 104729);
  const pixels = Buffer.alloc(size * size * 3);
  const cx = ((classIndex % 2) + 0.5) * (size / 2) + (random() - 0.5) * (size / 4);
  const cy = ((Math.floor(classIndex / 2) % 2) + 0.5) * (size / 2) + (random() - 0.5) * (size / 4);
  const tint = [random(), random(), random()];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (size / 8) ** 2));
      for (let c = 0; c < 3; c++) {
        const value = 40 + 60 * tint[c]! * (x / size) + 150 * blob + (random() - 0.5) * 40;
        pixels[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** Writes `count` PNGs over the classes' sub-folders, cycling through the distinct images. */
async function writeImageFolder(root: string, count: number, distinct: Buffer[][]): Promise<void> {
  const classes = distinct.length;
  for (let c = 0; c < classes; c++) await mkdir(join(root, `class-${c}`), { recursive: true });
  const chunk = 256;
  for (let start = 0; start < count; start += chunk) {
    await Promise.all(
      Array.from({ length: Math.min(chunk, count - start) }, (_, k) => {
        const i = start + k;
        const c = i % classes;
        const own = distinct[c]!;
        return writeFile(join(root, `class-${c}`, `img-${String(i).padStart(6, '0')}.png`), own[Math.floor(i / classes) % own.length]!);
      }),
    );
  }
}

/** VmRSS and VmHWM of a process, in bytes, from /proc (Linux), or RSS from `ps` elsewhere; null once it is gone. */
async function readMemory(pid: number): Promise<{ rss: number; hwm: number | null } | null> {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : null;
    };
    const rss = field('VmRSS');
    return rss === null ? null : { rss, hwm: field('VmHWM') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || process.platform === 'linux') return null;
  }
  try {
    const { stdout } = await promisify(execFile)('ps', ['-o', 'rss=', '-p', String(pid)]);
    const kib = Number(stdout.trim());
    return Number.isFinite(kib) && kib > 0 ? { rss: kib * 1024, hwm: null } : null;
  } catch {
    return null;
  }
}

/** Follows a process's memory every `intervalMs` until stopped. */
function memorySampler(pid: number, intervalMs = 200) {
  let peak = 0;
  let hwm: number | null = null;
  let last: number | null = null;
  let samples = 0;
  const sample = async () => {
    const memory = await readMemory(pid);
    if (!memory) return;
    samples++;
    last = memory.rss;
    peak = Math.max(peak, memory.rss);
    if (memory.hwm !== null) hwm = Math.max(hwm ?? 0, memory.hwm);
  };
  const timer = setInterval(() => void sample(), intervalMs);
  void sample();
  return {
    /** Takes a sample now and returns the RSS it read. */
    async now(): Promise<number | null> {
      await sample();
      return last;
    },
    stop() {
      clearInterval(timer);
      return { peak, hwm, samples };
    },
  };
}

/** Trains the LeNet-5 project on a folder in a forked engine process, following the process's memory. */
async function trainAndWatch(root: string, name: string, dataset: string, images: number, epochs: number, options: MemoryBenchOptions) {
  const graph = buildTemplate('lenet5', { input: { height: options.size, width: options.size, channels: 3 }, classes: options.classes });
  const project = createProject(`memory bench ${name}`, graph, {
    training: { epochs, batchSize: options.batch, seed: 1, backend: 'wasm' },
    dataset: { validationSplit: options.validationSplit, cacheMegabytes: options.cacheMegabytes },
  });
  const events: RunEvent[] = [];
  const pending: Promise<unknown>[] = [];
  let sampler: ReturnType<typeof memorySampler> | null = null;
  let startRss: number | null = null;
  const epochEndRss: (number | null)[] = [];
  const started = performance.now();
  const job = startTraining(
    forkEngine,
    { project, projectPath: null, dataPath: dataset, runDir: join(root, `run-${name}`), cwd: root },
    {
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'start') pending.push(sampler!.now().then((rss) => (startRss = rss)));
        if (event.type === 'epoch') pending.push(sampler!.now().then((rss) => epochEndRss.push(rss)));
      },
    },
  );
  if (job.pid === undefined) throw new Error('The engine process did not start.');
  sampler = memorySampler(job.pid);
  let final: { peak: number; hwm: number | null; samples: number };
  try {
    await job.result;
    // The engine is told to shut down as the result arrives; its /proc entry is usually still there.
    await sampler.now();
  } finally {
    final = sampler.stop();
    await Promise.all(pending);
  }
  const start = events.find((e): e is Extract<RunEvent, { type: 'start' }> => e.type === 'start');
  const epochEvents = events.filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
  if (!start || epochEvents.length !== epochs) throw new Error(`The ${name} run ended without its start or epoch events.`);
  const figures: MemoryRunFigures = {
    images,
    trainImages: start.trainImages,
    valImages: start.valImages,
    decodedTrainBytes: start.trainImages * options.size * options.size * 3,
    epochs,
    imagesPerSecond: epochEvents.map((e) => e.imagesPerSecond),
    dataWait: epochEvents.map((e) => e.dataWait ?? 0),
    epochSeconds: epochEvents.map((e) => e.seconds),
    startRssBytes: startRss,
    epochEndRssBytes: epochEndRss,
    sampledPeakRssBytes: final.peak,
    highWaterBytes: final.hwm,
    peakRssBytes: Math.max(final.peak, final.hwm ?? 0),
    samples: final.samples,
    seconds: (performance.now() - started) / 1000,
  };
  return { figures, backend: start.backend.label, parameters: start.params.total };
}

/** The batch loader alone over a folder, two epochs, with the training loader's share of the budget. */
async function loaderAlone(dataset: string, options: MemoryBenchOptions): Promise<LoaderFigures> {
  const index = await scanImageFolder(dataset, { validationSplit: options.validationSplit, seed: 1 });
  const preprocessing = resolvePreprocessing('pixel/255', { height: options.size, width: options.size, channels: 3 }, 'stretch');
  // As training-data.ts: the training loader gets 80% of the budget.
  const result = await benchmarkBatchLoader({ samples: index.train, preprocessing, batchSize: options.batch, epochs: 2, cacheBytes: Math.round(options.cacheMegabytes * MiB * 0.8) });
  const { cache } = result.stats;
  return {
    epochs: result.epochs.map((e) => ({ imagesPerSecond: e.imagesPerSecond, seconds: e.seconds })),
    budgetBytes: cache.budgetBytes,
    cachedBytes: cache.bytes,
    entries: cache.entries,
    hits: cache.hits,
    misses: cache.misses,
    evictions: cache.evictions,
  };
}

/** The wasm heap's growth over compiling the benchmark's network and training it for two batches. */
async function trainingFootprint(options: MemoryBenchOptions): Promise<number> {
  await loadBackend('wasm');
  const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
  const before = heap();
  const input = { height: options.size, width: options.size, channels: 3 };
  const flat = analyzeGraph(buildTemplate('lenet5', { input, classes: options.classes })).flat!;
  const compiled = compileModel(flat, { seed: 1 });
  const optimizer = createAdamOptimizer();
  try {
    const size = options.batch;
    const x = new Float32Array(size * options.size * options.size * 3).map((_, i) => Math.sin(i) * 0.5);
    const y = Int32Array.from({ length: size }, (_, i) => i % options.classes);
    for (let step = 0; step < 2; step += 1) {
      trainStep(compiled, optimizer, { x, y, size, files: [] }, { inputShape: [options.size, options.size, 3], classes: options.classes, loss: 'softmax-cross-entropy', weightDecay: 0 });
    }
    return heap() - before;
  } finally {
    optimizer.dispose();
    compiled.model.dispose();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs the load-and-memory case: generates the folders, trains on both, removes everything it made. */
export async function runMemoryBenchmark(log: (line: string) => void, options: MemoryBenchOptions = MEMORY_BENCH_DEFAULTS): Promise<MemoryBenchReport> {
  const began = performance.now();
  const loadBefore = loadavg();
  const root = await mkdtemp(join(tmpdir(), 'cnn-studio-memory-bench-'));
  try {
    log(`Memory: generating ${options.images.toLocaleString('en-US')} + ${options.smallImages.toLocaleString('en-US')} PNGs at ${options.size}x${options.size} in ${root}…`);
    const distinct = await Promise.all(
      Array.from({ length: options.classes }, (_, c) => Promise.all(Array.from({ length: options.distinctPerClass }, (_, v) => distinctImage(options.size, c, v)))),
    );
    const large = join(root, 'large');
    const small = join(root, 'small');
    await writeImageFolder(large, options.images, distinct);
    await writeImageFolder(small, options.smallImages, distinct);
    const generateSeconds = (performance.now() - began) / 1000;
    log(`… in ${generateSeconds.toFixed(1)} s. Training on the folder that fits the ${options.cacheMegabytes} MB cache (${options.smallEpochs} epochs)…`);
    const fits = await trainAndWatch(root, 'small', small, options.smallImages, options.smallEpochs, options);
    log(`… and on the one that does not (${options.epochs} epoch${options.epochs === 1 ? '' : 's'})…`);
    const streamed = await trainAndWatch(root, 'large', large, options.images, options.epochs, options);
    log('… and the batch loader alone over the large folder (2 epochs)…');
    const loader = await loaderAlone(large, options);
    const parameterBytes = streamed.parameters * 4;
    const modelBytes = Math.max(parameterBytes, await trainingFootprint(options));
    const budgetBytes = options.cacheMegabytes * MiB;
    const limitBytes = budgetBytes + modelBytes + options.headroomMegabytes * MiB;
    const streamedRate = Math.min(...streamed.figures.imagesPerSecond);
    const inMemoryRate = median(fits.figures.imagesPerSecond.slice(1));
    const ratio = streamedRate / inMemoryRate;
    return {
      options,
      network: `LeNet-5, ${options.size}x${options.size}x3, ${options.classes} classes`,
      backend: streamed.backend,
      parameters: streamed.parameters,
      parameterBytes,
      modelBytes,
      budgetBytes,
      limitBytes,
      large: streamed.figures,
      small: fits.figures,
      loader,
      memory: { peakBytes: streamed.figures.peakRssBytes, limitBytes, pass: streamed.figures.peakRssBytes < limitBytes },
      speed: { streamedImagesPerSecond: streamedRate, inMemoryImagesPerSecond: inMemoryRate, ratio, pass: ratio >= 1 - options.tolerance },
      machine: { cpus: availableParallelism(), loadBefore, loadAfter: loadavg() },
      generateSeconds,
      totalSeconds: (performance.now() - began) / 1000,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const mib = (bytes: number | null) => (bytes === null ? '–' : `${(bytes / MiB).toFixed(1)} MiB`);
const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} img/s`;
const percent = (value: number) => `${Math.round(value * 100)}%`;

function runLines(label: string, run: MemoryRunFigures): string[] {
  return [
    `${label}: ${run.images.toLocaleString('en-US')} images (${run.trainImages.toLocaleString('en-US')} train, ${run.valImages.toLocaleString('en-US')} val; decoded train split ${mib(run.decodedTrainBytes)}), ${run.epochs} epoch(s) in ${run.seconds.toFixed(1)} s`,
    `  images/s by epoch  ${run.imagesPerSecond.map(rate).join(', ')}   (data wait ${run.dataWait.map(percent).join(', ')})`,
    `  engine RSS         start ${mib(run.startRssBytes)}, end of epochs ${run.epochEndRssBytes.map(mib).join(', ')}, peak ${mib(run.peakRssBytes)} (VmHWM ${mib(run.highWaterBytes)}, sampled ${mib(run.sampledPeakRssBytes)} over ${run.samples} samples)`,
  ];
}

/** The memory case as text. */
export function formatMemoryReport(report: MemoryBenchReport): string {
  const { memory, speed, loader } = report;
  const hitRate = loader.hits / Math.max(1, loader.hits + loader.misses);
  return [
    `Load and memory: ${report.network}, batch ${report.options.batch}, ${report.backend}, cache budget ${report.options.cacheMegabytes} MB`,
    ...runLines('Does not fit the cache', report.large),
    ...runLines('Fits the cache', report.small),
    `Batch loader alone over the large folder: ${loader.epochs.map((e) => rate(e.imagesPerSecond)).join(', ')}; cache ${mib(loader.cachedBytes)} of ${mib(loader.budgetBytes)} (${loader.entries.toLocaleString('en-US')} images), hit rate ${percent(hitRate)}, ${loader.evictions.toLocaleString('en-US')} evictions`,
    '',
    `Peak engine RSS ${mib(memory.peakBytes)} vs limit ${mib(memory.limitBytes)} (budget ${mib(report.budgetBytes)} + model in training ${mib(report.modelBytes)} [${report.parameters.toLocaleString('en-US')} parameters, ${mib(report.parameterBytes)}; with gradients, Adam's moments and a batch's activations in the wasm heap] + ${report.options.headroomMegabytes} MiB): ${memory.pass ? 'PASS' : 'FAIL'}`,
    `Streamed ${rate(speed.streamedImagesPerSecond)} vs in memory ${rate(speed.inMemoryImagesPerSecond)}: ratio ${speed.ratio.toFixed(2)} (at least ${(1 - report.options.tolerance).toFixed(2)}): ${speed.pass ? 'PASS' : 'FAIL'}`,
    `Machine: ${report.machine.cpus} CPUs, load average ${report.machine.loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${report.machine.loadAfter.map((l) => l.toFixed(2)).join(' ')} after; generating ${report.generateSeconds.toFixed(1)} s, total ${report.totalSeconds.toFixed(1)} s`,
  ].join('\n');
}
