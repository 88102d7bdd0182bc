import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { BenchBackendRun } from './bench-backends';
import type { BenchOptions } from './bench-options';
import type { ChildFailure, ChildResult, ChildSpec, TorchResult } from './bench-result';
import { CHILD_RESULT_PREFIX, childResultSchema } from './bench-result';
import { findBenchNet } from './bench-nets';
import type { TorchOutcome } from './pytorch-reference';
import { runPytorchReference } from './pytorch-reference';
import { median } from './train-benchmark';

/** One net on one backend over `runs` runs: medians, and the median run's details. */
export interface BackendSummary {
  run: BenchBackendRun;
  runs: ChildResult[];
  trainImagesPerSecond: number;
  inferImagesPerSecond: number;
  waitFraction: number;
  /** The run whose training throughput is the median (its kernel profile is shown). */
  representative: ChildResult;
}

export interface NetSummary {
  net: string;
  label: string;
  backends: BackendSummary[];
  failures: ChildFailure[];
  /** PyTorch medians by thread count, when PyTorch ran. */
  torch: { threads: number; trainImagesPerSecond: number; inferImagesPerSecond: number; runs: TorchResult[] }[];
}

export interface BenchReport {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; loadBefore: number[]; loadAfter: number[] };
  versions: Record<string, string>;
  settings: { batch: number; optimizer: string; steps: number; warmup: number; runs: number; threads: number; data: string };
  nets: NetSummary[];
  pytorch: { found: true; version: string; python: string } | { found: false; reason: string } | { found: false; reason: 'skipped (--no-torch)' };
}

/** Runs every measurement the options ask for; progress goes to `log`. */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const nets: NetSummary[] = [];
  for (const name of options.nets) {
    const net = findBenchNet(name)!;
    const summary: NetSummary = { net: name, label: net.label, backends: [], failures: [], torch: [] };
    for (const backend of options.backends) {
      if (backend === 'cpu' && name !== 'lenet5') continue;
      const run: BenchBackendRun = { backend, threads: backend === 'wasm' || backend === 'cpu' ? 1 : options.threads };
      const spec: ChildSpec = {
        net: name,
        backend,
        threads: run.threads,
        steps: backend === 'cpu' ? Math.min(options.steps, 3) : options.steps,
        warmup: backend === 'cpu' ? Math.min(options.warmup, 1) : options.warmup,
        data: options.data,
        adam: options.adam,
      };
      const results: ChildResult[] = [];
      for (let r = 0; r < options.runs; r++) {
        log(`${net.label}: ${backend}${run.threads > 1 ? ` (${run.threads})` : ''}, run ${r + 1}/${options.runs} (load ${loadavg()[0]!.toFixed(2)})`);
        const outcome = await runChild(spec);
        if ('error' in outcome) {
          summary.failures.push(outcome);
          log(`  failed: ${outcome.error}`);
          break;
        }
        log(`  ${Math.round(outcome.train.imagesPerSecond)} images/s training, ${Math.round(outcome.infer.imagesPerSecond)} inference`);
        results.push(outcome);
      }
      if (results.length) summary.backends.push(summarize(run, results));
    }
    nets.push(summary);
  }
  let torch: TorchOutcome | null = null;
  if (options.torch) {
    const reports = [];
    for (let r = 0; r < options.runs; r++) {
      log(`PyTorch, run ${r + 1}/${options.runs} (load ${loadavg()[0]!.toFixed(2)})`);
      torch = await runPytorchReference(options.nets, options.steps, [1, 2]);
      if (!torch.found) {
        log(`  PyTorch was not found: ${torch.reason}`);
        break;
      }
      reports.push(torch.report);
    }
    for (const summary of nets) {
      for (const threads of [1, 2]) {
        const runs = reports.flatMap((rep) => rep.results.filter((t) => t.net === summary.net && t.threads === threads));
        if (runs.length) {
          summary.torch.push({ threads, trainImagesPerSecond: median(runs.map((t) => t.trainImagesPerSecond)), inferImagesPerSecond: median(runs.map((t) => t.inferImagesPerSecond)), runs });
        }
      }
    }
  }
  const first = torch?.found ? torch.report : null;
  return {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadBefore,
      loadAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    versions: { '@tensorflow/tfjs': tf.version.tfjs, '@tensorflow/tfjs-backend-wasm': version_wasm, ...(first ? { torch: first.torch, python: first.python } : {}) },
    settings: { batch: 64, optimizer: options.adam === 'fused' ? 'Adam (lr 1e-3), the engine\'s one-pass update' : 'Adam (lr 1e-3), tf.train.adam', steps: options.steps, warmup: options.warmup, runs: options.runs, threads: options.threads, data: options.data },
    nets,
    pytorch: !options.torch ? { found: false, reason: 'skipped (--no-torch)' } : torch?.found ? { found: true, version: torch.report.torch, python: torch.report.python } : { found: false, reason: torch?.reason ?? 'not run' },
  };
}

function summarize(run: BenchBackendRun, runs: ChildResult[]): BackendSummary {
  const train = median(runs.map((r) => r.train.imagesPerSecond));
  const representative = [...runs].sort((a, b) => Math.abs(a.train.imagesPerSecond - train) - Math.abs(b.train.imagesPerSecond - train))[0]!;
  return {
    run,
    runs,
    trainImagesPerSecond: train,
    inferImagesPerSecond: median(runs.map((r) => r.infer.imagesPerSecond)),
    waitFraction: median(runs.map((r) => r.train.waitFraction)),
    representative,
  };
}

/** One measurement in a fresh process (a process holds one build of the wasm backend). */
function runChild(spec: ChildSpec): Promise<ChildResult | ChildFailure> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.argv[1]!, '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const fail = (error: string): ChildFailure => ({ net: spec.net, backend: spec.backend, threads: spec.threads, error });
    child.on('error', (error) => resolve(fail(error.message)));
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(CHILD_RESULT_PREFIX));
      if (!line) {
        const tail = stderr.trim().split('\n').slice(-3).join(' / ');
        resolve(fail(`the benchmark process exited with code ${code}${tail ? `: ${tail}` : ''}`));
        return;
      }
      const parsed = childResultSchema.safeParse(JSON.parse(line.slice(CHILD_RESULT_PREFIX.length)));
      resolve(parsed.success ? parsed.data : fail(`malformed result (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`));
    });
  });
}
