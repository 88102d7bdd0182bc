import { spawn } from 'node:child_process';
import type { TorchPython } from '../../../../../../src/main/services/pytorch-engine';
import { describeSearch, findTorchPython } from '../../../../../../src/main/services/pytorch-engine';

/** The Python with torch the tests use, or why there is none (the tests then skip with that reason). */
export interface TorchPythonForTests {
  python: TorchPython | null;
  reason: string;
}

let found: Promise<TorchPythonForTests> | null = null;

/** Finds python3 with torch once per test file (CNN_STUDIO_PYTHON, python3, python, /usr/bin/python3, …). */
export function torchPythonForTests(): Promise<TorchPythonForTests> {
  found ??= findTorchPython().then((search) => ({
    python: search.found,
    reason: search.found ? '' : `no Python with torch, NumPy and Pillow was found (${describeSearch(search)}); CI installs python3-torch, so it never skips there`,
  }));
  return found;
}

export interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Python script to its end, with extra environment variables (torchrun's, for workers). */
export function runPython(python: TorchPython, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<PythonRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env };
    const child = spawn(python.command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
