import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** How to start a program: the executable and the arguments that come before each call's own. */
export interface Launcher {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a user's shell would give: this one, minus what `npm test` adds to describe the
 * repository (its package, its prefixes), with Node's own folder on PATH for `#!/usr/bin/env node`.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_package_') || lower.startsWith('npm_lifecycle_') || lower === 'npm_command' || lower === 'init_cwd') continue;
    if (['npm_config_prefix', 'npm_config_global_prefix', 'npm_config_local_prefix', 'npm_config_call', 'npm_config_global'].includes(lower)) continue;
    env[key] = value;
  }
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  env[pathKey] = [dirname(process.execPath), env[pathKey] ?? ''].join(delimiter);
  return { ...env, ...extra };
}

/** npm's own script run by this Node (no shell, so the same call works on Windows). */
export function npmLauncher(env: NodeJS.ProcessEnv): Launcher {
  const candidates = [
    process.env.npm_execpath,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].filter((p): p is string => typeof p === 'string' && p.endsWith('npm-cli.js') && existsSync(p));
  const cli = candidates[0];
  if (!cli) throw new Error(`npm-cli.js was not found beside ${process.execPath}; run the tests through npm.`);
  return { command: process.execPath, args: [cli], env };
}

/** Runs a program to its end (or kills it after `timeoutMs`) and collects what it printed. */
export function runProcess(launcher: Launcher, args: string[], options: { cwd: string; timeoutMs?: number }): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const child = spawn(launcher.command, [...launcher.args, ...args], { cwd: options.cwd, env: launcher.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** A process's outcome as a few lines for an assertion message. */
export function describeRun(args: string[], result: ProcessResult): string {
  return `${args.join(' ')} -> exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
}
