import * as tf from '@tensorflow/tfjs';
import { compileModel, createAdamOptimizer, loadBackend } from '../src/main/services/engine';
import { DataParallelTrainer } from '../src/main/services/engine/parallel/data-parallel-trainer';
import type { ImageBatch, StepResult } from '../src/main/services/training/train-step';
import { predictBatch, trainStep } from '../src/main/services/training/train-step';
import { analyzeGraph } from '../src/shared/shapes/analyze';
import { buildTemplate } from '../src/shared/templates';
import type { BatchSource } from './bench-data';
import { loaderBatches, syntheticBatches } from './bench-data';
import { BENCH_BATCH, BENCH_CLASSES, findBenchNet } from './bench-nets';
import type { ChildResult, ChildSpec, KernelShare } from './bench-result';

/**
 * One benchmark: one net trained on one backend in this process. Times `spec.steps` training steps
 * (batch 64, Adam 1e-3, the studio's own training step, or the data-parallel trainer's) after
 * `spec.warmup` steps, profiles one more
 * step by kernel, and times inference (the studio's prediction path) on a batch.
 */
export async function runTrainBenchmark(spec: ChildSpec): Promise<ChildResult> {
  const net = findBenchNet(spec.net);
  if (!net) throw new Error(`unknown net ${spec.net}`);
  const backend = await loadBackend(spec.backend === 'cpu' ? 'cpu' : 'wasm', { wasmThreads: spec.backend === 'wasm-threads' ? spec.threads : 1 });
  const graph = buildTemplate(net.template, { input: net.input, classes: BENCH_CLASSES });
  const flat = analyzeGraph(graph).flat;
  if (!flat) throw new Error(`the ${net.template} template does not analyse at ${net.label}`);
  const compiled = compileModel(flat, { seed: 1 });
  const inputShape = [net.input.height, net.input.width, net.input.channels] as [number, number, number];
  const options = { inputShape, classes: BENCH_CLASSES, loss: 'softmax-cross-entropy' as const, weightDecay: 0 };
  const optimizer = spec.adam === 'fused' ? createAdamOptimizer(1e-3) : tf.train.adam(1e-3);
  const source: BatchSource = spec.data === 'loader' ? await loaderBatches(net.input, BENCH_CLASSES, BENCH_BATCH) : syntheticBatches(net.input, BENCH_CLASSES, BENCH_BATCH);
  const parallel =
    spec.backend === 'wasm-replicas'
      ? await DataParallelTrainer.start(compiled, { ...options, graph, replicas: spec.threads, backend: 'wasm', seed: 1, maxBatch: BENCH_BATCH })
      : null;
  const step = async (batch: ImageBatch): Promise<StepResult> => (parallel ? parallel.step(optimizer, batch) : trainStep(compiled, optimizer, batch, options));
  try {
    const warm = await timeSteps(spec.warmup, source, step);
    const timed = await timeSteps(spec.steps, source, step);
    const profileBatch = await source.next();
    const profileStart = performance.now();
    const profile = await tf.profile(async () => {
      await step(profileBatch);
    });
    const profileMs = performance.now() - profileStart;
    const kernels = kernelShares(profile.kernels, profileMs);
    const infer = timeInference(compiled, profileBatch, inputShape, spec.backend === 'cpu' ? 2 : Math.max(5, Math.ceil(spec.steps / 2)));
    const total = timed.waitMs + timed.stepMs.reduce((a, b) => a + b, 0);
    return {
      net: spec.net,
      backend: spec.backend,
      threads: spec.threads,
      label: backend.label,
      steps: spec.steps,
      batch: BENCH_BATCH,
      train: {
        imagesPerSecond: (timed.images * 1000) / total,
        medianStepMs: median(timed.stepMs.map((s, i) => s + timed.waits[i]!)),
        waitFraction: total > 0 ? timed.waitMs / total : 0,
        warmupWaitFraction: warm.stepMs.length ? warm.waitMs / (warm.waitMs + warm.stepMs.reduce((a, b) => a + b, 0)) : 0,
        stepMs: timed.stepMs.map((s, i) => round(s + timed.waits[i]!)),
      },
      infer,
      kernels,
      replicaTimings: parallel ? roundAll(parallel.lastTimings) : null,
      data: { kind: source.kind, description: source.description },
    };
  } finally {
    await parallel?.dispose();
    await source.dispose();
    optimizer.dispose();
    compiled.model.dispose();
  }
}

interface TimedSteps {
  images: number;
  waitMs: number;
  waits: number[];
  stepMs: number[];
}

async function timeSteps(count: number, source: BatchSource, step: (batch: ImageBatch) => Promise<StepResult>): Promise<TimedSteps> {
  const out: TimedSteps = { images: 0, waitMs: 0, waits: [], stepMs: [] };
  for (let i = 0; i < count; i++) {
    const waitStart = performance.now();
    const batch = await source.next();
    const stepStart = performance.now();
    const result = await step(batch);
    const end = performance.now();
    if (!Number.isFinite(result.loss)) throw new Error(`the loss became ${result.loss} at step ${i + 1}`);
    out.images += batch.size;
    out.waits.push(stepStart - waitStart);
    out.waitMs += stepStart - waitStart;
    out.stepMs.push(end - stepStart);
  }
  return out;
}

/** Kernel time by kernel name over one profiled step; ops that wrap kernels (`…__op`) are left out so nothing counts twice. */
function kernelShares(kernels: readonly { name: string; kernelTimeMs: unknown }[], stepMs: number): ChildResult['kernels'] {
  const byName = new Map<string, number>();
  for (const k of kernels) {
    if (k.name.endsWith('__op') || typeof k.kernelTimeMs !== 'number') continue;
    byName.set(k.name, (byName.get(k.name) ?? 0) + k.kernelTimeMs);
  }
  const sorted = [...byName].sort((a, b) => b[1] - a[1]);
  const inKernels = sorted.reduce((sum, [, t]) => sum + t, 0);
  const top: KernelShare[] = sorted.slice(0, 10).map(([name, t]) => ({ name, ms: round(t), share: round(t / Math.max(stepMs, 1e-9), 3) }));
  const otherMs = sorted.slice(10).reduce((sum, [, t]) => sum + t, 0);
  return { stepMs: round(stepMs), top, otherMs: round(otherMs), unattributedMs: round(Math.max(0, stepMs - inKernels)) };
}

function timeInference(compiled: ReturnType<typeof compileModel>, batch: ImageBatch, inputShape: number[], repeats: number): ChildResult['infer'] {
  for (let i = 0; i < 2; i++) predictBatch(compiled, batch.x, batch.size, inputShape);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    predictBatch(compiled, batch.x, batch.size, inputShape);
    times.push(performance.now() - start);
  }
  const total = times.reduce((a, b) => a + b, 0);
  return { imagesPerSecond: (batch.size * repeats * 1000) / total, medianBatchMs: round(median(times)) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function roundAll<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) as T;
}
