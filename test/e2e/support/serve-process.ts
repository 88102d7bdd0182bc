import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the e2e tests run the built CLI from it). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface ServeProcess {
  url: string;
  port: number;
  host: string;
  token: string;
  /** `http://host:port`, without the token. */
  origin: string;
  /** What the server wrote to stderr so far (its refusals, for example). */
  stderr(): string;
  /** The state folder it was given (CNN_STUDIO_HOME), fresh per process. */
  home: string;
  /** Ctrl-C, then the exit code (a kill after 10 s if it does not stop). */
  stop(): Promise<number | null>;
}

/**
 * Starts `node bin/cnn-studio.js serve --port 0 --json` from the build in out/ (made by `npm test`
 * before Vitest runs) with a fresh state folder, and reads its one JSON line.
 */
export async function startServeProcess(options: { args?: string[]; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const cli = join(REPO_ROOT, 'out', 'main', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run "npm run build" first (npm test does).`);
  const home = await mkdtemp(join(tmpdir(), 'cnn-studio-e2e-home-'));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'cnn-studio.js'), 'serve', '--port', '0', '--json', ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, CNN_STUDIO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  try {
    const line = await firstLine(child, options.timeoutMs ?? 30_000, () => err);
    const info = JSON.parse(line) as { url: string; port: number; host: string; token: string };
    return {
      ...info,
      origin: new URL(info.url).origin,
      stderr: () => err,
      home,
      stop: async () => {
        const code = await stopProcess(child);
        await rm(home, { recursive: true, force: true });
        return code;
      },
    };
  } catch (error) {
    await stopProcess(child);
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}

function firstLine(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`cnn-studio serve printed no URL within ${timeoutMs} ms. stderr: ${stderr()}`)), timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolvePromise(out.slice(0, end));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cnn-studio serve exited with ${code} before printing its URL. stderr: ${stderr()}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolvePromise(code);
    });
    child.kill('SIGINT');
  });
}
