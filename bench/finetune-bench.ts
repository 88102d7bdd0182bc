import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { TrainJobParams } from '../src/shared/api/engine-protocol';
import { trainJobParamsSchema } from '../src/shared/api/engine-protocol';
import { freezeUntil } from '../src/shared/finetune/graph-surgery';
import { projectToFile } from '../src/shared/project/codec';
import { createProject } from '../src/shared/project/project';
import type { RunEvent } from '../src/shared/run/run-events';
import { analyzeGraph } from '../src/shared/shapes/analyze';
import { buildTemplate } from '../src/shared/templates';
import { JobControl } from '../src/main/services/training/job-control';
import { trainRun } from '../src/main/services/training/trainer';

/**
 * The fine-tuning case of `npm run bench` (issue 13): a MobileNetV2 whose body is frozen (everything
 * before its new Output), trained on a folder of generated images twice, with and without the feature
 * cache. With the cache, the first epoch runs the body once per image and every later epoch trains the
 * head alone on the cached outputs; the report gives both runs' epoch times, the speed-up of the
 * cached epochs, and the largest difference between the two runs' batch losses (they must agree).
 */

export interface FineTuneBenchOptions {
  /** Square image size of the network's input. */
  size: number;
  /** MobileNetV2's width multiplier. */
  width: number;
  classes: number;
  imagesPerClass: number;
  epochs: number;
  batch: number;
}

export const FINE_TUNE_BENCH_DEFAULTS: FineTuneBenchOptions = { size: 96, width: 0.35, classes: 4, imagesPerClass: 32, epochs: 4, batch: 32 };

export interface FineTuneRunTimes {
  featureCache: boolean;
  /** Seconds of each epoch (training and validation, as the dashboard shows them). */
  epochSeconds: number[];
  batchLosses: number[];
}

export interface FineTuneBenchReport {
  options: FineTuneBenchOptions;
  network: string;
  trainable: number;
  frozen: number;
  images: number;
  backend: string;
  withCache: FineTuneRunTimes;
  withoutCache: FineTuneRunTimes;
  /** Median epoch without the cache over the median cached epoch (epochs 2 on: the first one fills the cache). */
  speedup: number;
  maxLossDifference: number;
}

/** A folder of generated PNG images, `classes` sub-folders: a bright band whose place is the class, over noise. */
async function imageFolder(root: string, options: FineTuneBenchOptions): Promise<void> {
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const { size } = options;
  for (let c = 0; c < options.classes; c++) {
    const dir = join(root, `class-${c}`);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < options.imagesPerClass; i++) {
      const pixels = Buffer.alloc(size * size * 3);
      for (let p = 0; p < size * size; p++) {
        const row = Math.floor(p / size);
        const band = Math.floor((row * options.classes) / size) === c ? 120 : 0;
        for (let k = 0; k < 3; k++) pixels[p * 3 + k] = Math.min(255, Math.floor(next() * 120) + band);
      }
      await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(join(dir, `${i}.png`));
    }
  }
}

async function timedRun(dataset: string, runDir: string, options: FineTuneBenchOptions, featureCache: boolean): Promise<{ times: FineTuneRunTimes; backend: string }> {
  const graph = freezeUntil(buildTemplate('mobilenetv2', { input: { height: options.size, width: options.size, channels: 3 }, classes: options.classes, width: options.width }), 'dropout').graph;
  const project = createProject('fine-tune bench', graph, {
    training: { epochs: options.epochs, batchSize: options.batch, seed: 1, backend: 'wasm', fineTuning: { unfreezeFrom: null, headEpochs: 5, learningRateFactor: 0.1, featureCache } },
    dataset: { validationSplit: 0.2 },
  });
  const params: TrainJobParams = { runDir, project: projectToFile(project), projectPath: null, datasetPath: dataset, resume: false, backend: 'wasm', batchEventInterval: 0 };
  const events: RunEvent[] = [];
  await trainRun(trainJobParamsSchema.parse(params), { control: new JobControl(), emit: (e) => events.push(e), log: () => undefined });
  const start = events.find((e): e is Extract<RunEvent, { type: 'start' }> => e.type === 'start')!;
  return {
    backend: start.backend.label,
    times: {
      featureCache,
      epochSeconds: events.flatMap((e) => (e.type === 'epoch' ? [e.seconds] : [])),
      batchLosses: events.flatMap((e) => (e.type === 'batch' ? [e.loss] : [])),
    },
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs the fine-tuning case (on the WebAssembly backend, one thread, as the tests do). */
export async function runFineTuneBenchmark(log: (line: string) => void, options: FineTuneBenchOptions = FINE_TUNE_BENCH_DEFAULTS): Promise<FineTuneBenchReport> {
  const root = join(tmpdir(), `cnn-studio-finetune-bench-${process.pid}`);
  try {
    await imageFolder(join(root, 'images'), options);
    log(`Fine-tuning: MobileNetV2 x${options.width} at ${options.size}x${options.size}, body frozen, ${options.epochs} epochs with the feature cache…`);
    const cached = await timedRun(join(root, 'images'), join(root, 'cached'), options, true);
    log('… and without it…');
    const plain = await timedRun(join(root, 'images'), join(root, 'plain'), options, false);
    const analysis = analyzeGraph(freezeUntil(buildTemplate('mobilenetv2', { input: { height: options.size, width: options.size, channels: 3 }, classes: options.classes, width: options.width }), 'dropout').graph);
    const diff = cached.times.batchLosses.reduce((d, loss, i) => Math.max(d, Math.abs(loss - (plain.times.batchLosses[i] ?? Number.NaN))), 0);
    return {
      options,
      network: `MobileNetV2 x${options.width}, ${options.size}x${options.size}x3, ${options.classes} classes`,
      trainable: analysis.totals.trainable,
      frozen: analysis.totals.nonTrainable,
      images: options.classes * options.imagesPerClass,
      backend: cached.backend,
      withCache: cached.times,
      withoutCache: plain.times,
      speedup: median(plain.times.epochSeconds.slice(1)) / median(cached.times.epochSeconds.slice(1)),
      maxLossDifference: diff,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The report as text. */
export function formatFineTuneReport(r: FineTuneBenchReport): string {
  const seconds = (values: number[]) => values.map((s) => s.toFixed(2)).join(', ');
  return [
    `Fine-tuning with the feature cache: ${r.network}; ${r.trainable.toLocaleString('en-US')} trainable and ${r.frozen.toLocaleString('en-US')} frozen weights; ${r.images} images (80% trained on), batch ${r.options.batch}; ${r.backend}`,
    `  epoch seconds with the cache:    ${seconds(r.withCache.epochSeconds)} (the first epoch runs the body and fills the cache)`,
    `  epoch seconds without the cache: ${seconds(r.withoutCache.epochSeconds)}`,
    `  later epochs ${r.speedup.toFixed(1)}x faster with the cache; largest difference between the two runs' batch losses ${r.maxLossDifference.toExponential(1)}`,
  ].join('\n');
}
