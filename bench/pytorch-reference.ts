import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TorchReport } from './bench-result';
import { torchReportSchema } from './bench-result';

/**
 * The same nets in PyTorch (bench/pytorch_bench.py), on 1 and 2 threads, where `/usr/bin/python3`
 * (or `python3`) can import torch. Never required: without it the report says PyTorch was not found.
 */

export type TorchOutcome = { found: true; report: TorchReport } | { found: false; reason: string };

const PYTHONS = ['/usr/bin/python3', 'python3'];

/** bench/pytorch_bench.py, found from the bundle (`out/main/bench.js`) or the sources. */
function scriptPath(): string | null {
  const candidates = [new URL('../../bench/pytorch_bench.py', import.meta.url), new URL('./pytorch_bench.py', import.meta.url)];
  for (const url of candidates) {
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return fileURLToPath(url);
  }
  const fromCwd = `${process.cwd()}/bench/pytorch_bench.py`;
  return existsSync(fromCwd) ? fromCwd : null;
}

/** Finds a Python with torch; the interpreter's path, or why there is none. */
async function findTorchPython(): Promise<{ python: string } | { python: null; reason: string }> {
  const reasons: string[] = [];
  for (const python of PYTHONS) {
    try {
      await promisify(execFile)(python, ['-c', 'import torch'], { timeout: 60_000 });
      return { python };
    } catch (error) {
      const code = (error as { code?: string }).code;
      reasons.push(code === 'ENOENT' ? `${python} does not exist` : `${python} cannot import torch`);
    }
  }
  return { python: null, reason: reasons.join('; ') };
}

/** Runs the PyTorch reference for `nets` with `steps` timed steps on each of `threads`. */
export async function runPytorchReference(nets: string[], steps: number, threads: number[]): Promise<TorchOutcome> {
  const script = scriptPath();
  if (!script) return { found: false, reason: 'bench/pytorch_bench.py was not found' };
  const found = await findTorchPython();
  if (found.python === null) return { found: false, reason: found.reason };
  try {
    const { stdout } = await promisify(execFile)(found.python, [script, '--nets', nets.join(','), '--steps', String(steps), '--threads', threads.join(',')], {
      timeout: 3_600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const parsed = torchReportSchema.safeParse(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
    if (!parsed.success) return { found: false, reason: `the PyTorch script's report was malformed (${parsed.error.issues[0]?.message ?? 'unknown'})` };
    return { found: true, report: parsed.data };
  } catch (error) {
    return { found: false, reason: `the PyTorch script failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}
