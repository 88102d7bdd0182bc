import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchBackend } from './bench-backends';
import { BENCH_BACKENDS } from './bench-backends';
import { BENCH_NETS } from './bench-nets';

/** `npm run bench [-- --json] [-- --nets a,b] [-- --steps N] [-- --runs N] ...` */
export interface BenchOptions {
  json: boolean;
  nets: string[];
  backends: BenchBackend[];
  steps: number;
  warmup: number;
  /** Each measurement is repeated this many times and the medians are reported. */
  runs: number;
  /** Threads (wasm-threads) and replicas (wasm-replicas). */
  threads: number;
  data: 'loader' | 'synthetic';
  /** `fused`: the engine's one-pass Adam (createAdamOptimizer); `tfjs`: tf.train.adam. */
  adam: 'fused' | 'tfjs';
  torch: boolean;
  /** Time the benchmark nets' convolutions one by one instead (wasm and ONNX Runtime). */
  kernels: boolean;
  /** The fine-tuning case (feature cache on and off): `also` after the training table, `only`, or `no`. */
  finetune: 'also' | 'only' | 'no';
  /** The WebGPU case (a hardware adapter only; skipped with the reason otherwise): `also`, `only` or `no`. */
  webgpu: 'also' | 'only' | 'no';
  /** Only the load-and-memory case (a long one, never run by default). */
  memory: boolean;
  /** Set in a child process: the one measurement it makes, as JSON. */
  child: string | null;
  help: boolean;
}

export const USAGE = `npm run bench -- [options]

Trains each benchmark net for a fixed number of steps (batch 64, Adam) on every backend that loads,
and the same nets in PyTorch where /usr/bin/python3 has torch; prints images/s for training and
inference, ratios to PyTorch, the step time by kernel and the fraction of each step spent waiting
for data.

  --nets LIST       ${BENCH_NETS.map((n) => n.name).join(',')} (default: all)
  --backends LIST   ${BENCH_BACKENDS.join(',')} (default: all; cpu runs LeNet-5 only)
  --steps N         timed training steps per net and backend (default 20; cpu: at most 3)
  --warmup N        untimed steps first (default 3)
  --runs N          repeat every measurement N times and report medians (default 1)
  --threads N       threads for wasm-threads, replicas for wasm-replicas (default: the CPU count)
  --data KIND       loader (the studio's batch loader over generated images, default) or synthetic
  --adam KIND       fused (the engine's one-pass Adam, default) or tfjs (tf.train.adam)
  --no-torch        skip PyTorch
  --kernels         time the nets' convolutions one by one instead (wasm vs ONNX Runtime's native kernels)
  --finetune        only the fine-tuning case: a frozen MobileNetV2 body, epochs with and without the feature cache
  --no-finetune     skip the fine-tuning case (by default it runs after the training table)
  --webgpu          only the WebGPU case: the nets at their sizes and at 224x224x3 on a hardware adapter
  --no-webgpu       skip the WebGPU case (by default it runs after the training table where a GPU is found)
  --memory          only the load-and-memory case: training on 20,000 generated 64x64 images with a 256 MB
                    cache budget, the engine's peak memory and its images/s against a folder that fits
  --json            one JSON object on stdout instead of tables`;

function positiveInt(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < (name === '--warmup' ? 0 : 1)) throw new Error(`${name} takes a whole number${name === '--warmup' ? '' : ' of at least 1'}, not "${text}".`);
  return value;
}

function list<T extends string>(text: string | undefined, known: readonly T[], name: string): T[] {
  if (text === undefined) return [...known];
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((s) => !known.includes(s as T));
  if (unknown.length || !items.length) throw new Error(`${name} takes some of ${known.join(', ')}; "${unknown.join(',') || text}" is not one.`);
  return items as T[];
}

/** Parses the benchmark's arguments; a bad one is an Error whose message says what is expected. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      nets: { type: 'string' },
      backends: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      runs: { type: 'string' },
      threads: { type: 'string' },
      data: { type: 'string' },
      adam: { type: 'string' },
      'no-torch': { type: 'boolean' },
      kernels: { type: 'boolean' },
      finetune: { type: 'boolean' },
      'no-finetune': { type: 'boolean' },
      webgpu: { type: 'boolean' },
      'no-webgpu': { type: 'boolean' },
      memory: { type: 'boolean' },
      child: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const data = values.data ?? 'loader';
  if (data !== 'loader' && data !== 'synthetic') throw new Error(`--data takes loader or synthetic, not "${data}".`);
  const adam = values.adam ?? 'fused';
  if (adam !== 'fused' && adam !== 'tfjs') throw new Error(`--adam takes fused or tfjs, not "${adam}".`);
  return {
    json: values.json ?? false,
    nets: list(values.nets, BENCH_NETS.map((n) => n.name), '--nets'),
    backends: list(values.backends, BENCH_BACKENDS, '--backends'),
    steps: positiveInt(values.steps, 20, '--steps'),
    warmup: positiveInt(values.warmup, 3, '--warmup'),
    runs: positiveInt(values.runs, 1, '--runs'),
    threads: positiveInt(values.threads, Math.max(2, availableParallelism()), '--threads'),
    data,
    adam,
    torch: !(values['no-torch'] ?? false),
    kernels: values.kernels ?? false,
    finetune: values.finetune ? 'only' : values['no-finetune'] ? 'no' : 'also',
    webgpu: values.webgpu ? 'only' : values['no-webgpu'] ? 'no' : 'also',
    memory: values.memory ?? false,
    child: values.child ?? null,
    help: values.help ?? false,
  };
}
