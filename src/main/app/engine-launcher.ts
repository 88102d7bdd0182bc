import { utilityProcess } from 'electron';
import type { EngineCommand } from '../../shared/api/engine-protocol';
import type { EngineChannel, EngineExit, EngineLauncher } from '../services/training/engine-channel';
import { engineEntryPath, engineEnvironment } from '../services/training/engine-channel';

/** The members of Electron's `UtilityProcess` the channel uses (a test passes a fake). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/**
 * Wraps a utility process as an `EngineChannel`. Electron reports only an exit code, so a kill
 * asked for here is reported as SIGKILL (as `forkEngine` reports it); messages to a process that
 * has exited are dropped, as a closed IPC channel drops them.
 */
export function utilityProcessChannel(child: UtilityProcessLike): EngineChannel {
  const exitListeners: ((exit: EngineExit) => void)[] = [];
  let exited: EngineExit | null = null;
  let killed = false;
  child.on('exit', (code) => {
    exited = killed ? { code: null, signal: 'SIGKILL' } : { code, signal: null };
    for (const listener of exitListeners) listener(exited);
  });
  return {
    // Known only once the process has spawned.
    get pid() {
      return child.pid;
    },
    send(command: EngineCommand) {
      if (exited) return;
      try {
        child.postMessage(command);
      } catch {
        // The process is going away; its exit tells the job.
      }
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      if (exited) listener(exited);
      else exitListeners.push(listener);
    },
    kill() {
      if (exited) return;
      killed = true;
      child.kill();
    },
  };
}

/**
 * The desktop app's engine launcher: `out/main/engine.js` in an Electron utility process (a Node
 * process Electron manages; the engine talks to it through `process.parentPort`). The CLI and
 * browser mode fork plain Node instead (`forkEngine`).
 */
export const launchUtilityEngine: EngineLauncher = () =>
  utilityProcessChannel(utilityProcess.fork(engineEntryPath(), [], { serviceName: 'CNN Studio engine', stdio: 'inherit', env: engineEnvironment(process.env) }));
