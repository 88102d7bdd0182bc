import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../../shared/errors';
import type { EngineCommand } from '../../../shared/api/engine-protocol';

/** How the engine process exited. `signal` is set when it was killed (SIGKILL for out-of-memory kills). */
export interface EngineExit {
  code: number | null;
  signal: string | null;
}

/**
 * A connection to one engine process. The CLI and the server fork a Node process; Electron's main
 * process uses a utilityProcess (src/main/app). Messages are plain JSON-able objects.
 */
export interface EngineChannel {
  readonly pid: number | undefined;
  send(command: EngineCommand): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: EngineExit) => void): void;
  /** Ends the process now (SIGKILL). */
  kill(): void;
}

export type EngineLauncher = () => EngineChannel;

/**
 * The built engine entry (`out/main/engine.js`): beside the bundle entry this code runs from, or one
 * folder up from a shared chunk (`out/main/chunks/`). From the TypeScript sources (Vitest), the build
 * in `out/` is used.
 */
export function engineEntryPath(): string {
  const candidates = ['./engine.js', '../engine.js', '../../../../out/main/engine.js'].map((p) => new URL(p, import.meta.url));
  for (const url of candidates) {
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return fileURLToPath(url);
  }
  throw new StudioError('internal', 'The training engine is not built (out/main/engine.js is missing).', { hint: 'Run "npm run build" first.' });
}

/**
 * The engine's environment. glibc gives each thread (the decode workers, the wasm threads) its own
 * malloc arenas, and the decoded-image cache's many small long-lived buffers then fragment all of
 * them: two arenas cut the engine's peak memory on a 20,000-image folder by about 65 MB (bench
 * --memory). A value the user sets wins; other C libraries ignore the variable.
 */
export function engineEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...base };
}

/**
 * Lines that Dawn and the Vulkan loader print while the automatic backend choice probes for a GPU
 * (a software rasteriser it refuses, a desktop-session variable a terminal lacks): they say nothing
 * the backend line does not, and a CLI user would read them as failures.
 */
const GPU_PROBE_NOISE = [/^error: XDG_RUNTIME_DIR is invalid or not set in the environment\.$/, /^Warning: Vulkan \w+/, /^ - While initializing adapter \(backend=BackendType::\w+\)$/, /^\s+at InitializeImpl \(.*dawn.*\)$/];

/** Whether a line of the engine's stderr is GPU-probe noise (see GPU_PROBE_NOISE). */
export function isGpuProbeNoise(line: string): boolean {
  return GPU_PROBE_NOISE.some((pattern) => pattern.test(line));
}

/**
 * A stateful test of successive stderr lines: true for the lines to keep. Drops the GPU probe's noise
 * and the blank lines Dawn ends its messages with.
 */
export function stderrLineFilter(): (line: string) => boolean {
  let afterNoise = false;
  return (line) => {
    const noise = isGpuProbeNoise(line) || (afterNoise && line.trim() === '');
    afterNoise = noise;
    return !noise;
  };
}

/** Copies the engine's stderr to ours line by line, without the GPU probe's noise. */
function forwardStderr(stream: NodeJS.ReadableStream): void {
  let pending = '';
  const keep = stderrLineFilter();
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    const kept = lines.filter(keep);
    if (kept.length) process.stderr.write(`${kept.join('\n')}\n`);
  });
  stream.on('end', () => {
    if (pending && keep(pending)) process.stderr.write(pending);
  });
}

/** Forks the engine as a plain Node process (CLI and browser mode); `uid`/`gid` run it as another user (tests). */
export function forkEngine(options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; uid?: number; gid?: number } = {}): EngineChannel {
  const child = fork(engineEntryPath(), [], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: engineEnvironment({ ...process.env, ...options.env }),
    execArgv: options.execArgv ?? [],
    serialization: 'json',
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  if (child.stderr) forwardStderr(child.stderr);
  const exitListeners: ((exit: EngineExit) => void)[] = [];
  let exited: EngineExit | null = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const l of exitListeners) l(exited);
  });
  child.on('error', () => {
    // A failed fork also emits 'exit'; the error itself carries nothing the user can act on.
  });
  return {
    pid: child.pid,
    send(command) {
      if (child.connected) child.send(command);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      if (exited) listener(exited);
      else exitListeners.push(listener);
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
