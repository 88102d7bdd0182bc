import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { parseBenchOptions, USAGE } from './bench-options';
import { formatReport } from './bench-report';
import type { ChildFailure } from './bench-result';
import { CHILD_RESULT_PREFIX, childSpecSchema } from './bench-result';
import { runBench } from './bench-runner';
import type { FineTuneBenchReport } from './finetune-bench';
import { formatFineTuneReport, runFineTuneBenchmark } from './finetune-bench';
import { formatKernelReport, runKernelBenchmark } from './kernel-benchmark';
import { BENCH_NETS } from './bench-nets';
import type { WebGpuBenchResult } from './bench-webgpu';
import { benchWebGpu, formatWebGpuBench } from './bench-webgpu';
import { formatMemoryReport, runMemoryBenchmark } from './memory-bench';
import { runTrainBenchmark } from './train-benchmark';

/**
 * `npm run bench`: the training benchmark of issue 4 (see bench-options.ts for the options and
 * docs/performance.md for the figures). Every measurement runs in a child process of this same script
 * (`--child`), so that each backend starts fresh.
 */
async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 1;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.child !== null) {
    const spec = childSpecSchema.parse(JSON.parse(options.child));
    tf.enableProdMode();
    try {
      const result = await runTrainBenchmark(spec);
      process.stdout.write(`${CHILD_RESULT_PREFIX}${JSON.stringify(result)}\n`);
      return 0;
    } catch (error) {
      const failure: ChildFailure = { net: spec.net, backend: spec.backend, threads: spec.threads, error: error instanceof Error ? error.message : String(error) };
      process.stderr.write(`${failure.error}\n`);
      return 1;
    }
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (options.kernels) {
    tf.enableProdMode();
    const kernels = await runKernelBenchmark(log);
    process.stdout.write(options.json ? `${JSON.stringify(kernels)}\n` : `${formatKernelReport(kernels)}\n`);
    return 0;
  }
  if (options.memory) {
    // Trains in forked engine processes (as the studio does) and measures them from here.
    const memory = await runMemoryBenchmark(log);
    process.stdout.write(options.json ? `${JSON.stringify({ memory })}\n` : `${formatMemoryReport(memory)}\n`);
    return 0;
  }
  if (options.finetune === 'only') {
    // The fine-tuning case trains in this process: its backend is the one the tests use (wasm, one thread).
    tf.enableProdMode();
    const finetune = await runFineTuneBenchmark(log);
    process.stdout.write(options.json ? `${JSON.stringify({ finetune })}\n` : `${formatFineTuneReport(finetune)}\n`);
    return 0;
  }
  if (options.webgpu === 'only') {
    const webgpu = await benchWebGpu({ nets: BENCH_NETS.filter((n) => options.nets.includes(n.name)), alsoAt224: true });
    process.stdout.write(options.json ? `${JSON.stringify({ webgpu })}\n` : `${formatWebGpuBench(webgpu)}\n`);
    return 0;
  }
  const report = await runBench(options, log);
  const webgpu = options.webgpu === 'also' ? ((await runCaseInChild<{ webgpu: WebGpuBenchResult }>(['--webgpu', '--nets', options.nets.join(',')], 'WebGPU', log))?.webgpu ?? null) : null;
  const finetune = options.finetune === 'also' ? ((await runCaseInChild<{ finetune: FineTuneBenchReport }>(['--finetune'], 'fine-tuning', log))?.finetune ?? null) : null;
  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, webgpu, finetune })}\n`);
  else {
    const extra = [webgpu ? formatWebGpuBench(webgpu) : null, finetune ? formatFineTuneReport(finetune) : null].filter((t) => t !== null);
    process.stdout.write(`${formatReport(report)}\n${extra.map((t) => `\n${t}\n`).join('')}`);
  }
  return 0;
}

/** A case in a fresh child (`FLAGS --json`), so the training table's backends do not carry over; null when it failed. */
async function runCaseInChild<T>(flags: string[], name: string, log: (line: string) => void): Promise<T | null> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...flags, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    log(`The ${name} case failed (exit code ${code}).`);
    return null;
  }
  return JSON.parse(line) as T;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
