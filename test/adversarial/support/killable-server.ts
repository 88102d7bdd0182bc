import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../..');

/** A `cnn-studio serve` process (the built CLI) over a state folder that outlives it. */
export interface KillableServer {
  port: number;
  token: string;
  child: ChildProcess;
  /** SIGKILL, as a crash or a power cut would end it; resolves once it is gone. */
  kill(): Promise<void>;
}

/** Starts `cnn-studio serve --port 0 --json` with CNN_STUDIO_HOME=`home` and reads its one JSON line. */
export function startKillableServer(home: string, timeoutMs = 30_000): Promise<KillableServer> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'cnn-studio.js'), 'serve', '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CNN_STUDIO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cnn-studio serve printed no URL within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      const info = JSON.parse(out.slice(0, end)) as { port: number; token: string };
      resolvePromise({
        port: info.port,
        token: info.token,
        child,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await gone;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cnn-studio serve exited with ${code} before printing its URL: ${stderr}`));
    });
  });
}
