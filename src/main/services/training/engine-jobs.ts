import { randomUUID } from 'node:crypto';
import type { EngineJobName, EngineJobParams, EngineJobResult } from '../../../shared/api/engine-protocol';
import { ENGINE_JOBS, engineMessageSchema } from '../../../shared/api/engine-protocol';
import { StudioError, studioErrorFromData } from '../../../shared/errors';
import type { RunEvent } from '../../../shared/run/run-events';
import type { EngineChannel, EngineExit, EngineLauncher } from './engine-channel';

/** A job running in its own engine process. */
export interface EngineJob<J extends EngineJobName> {
  readonly id: string;
  readonly pid: number | undefined;
  readonly result: Promise<EngineJobResult<J>>;
  pause(): void;
  resume(): void;
  /** Asks the job to stop cleanly (training keeps what it trained). */
  stop(): void;
  /** Ends the process at once. */
  kill(): void;
}

export interface EngineJobOptions {
  onEvent?: (event: RunEvent) => void;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Aborting asks the job to stop cleanly (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

/**
 * Starts a job in a fresh engine process and follows it to its result. If the process dies first
 * (killed, out of memory), the promise rejects with an 'engine-crashed' StudioError that says so;
 * the caller stays up.
 */
export function startEngineJob<J extends EngineJobName>(launch: EngineLauncher, name: J, params: EngineJobParams<J>, options: EngineJobOptions = {}): EngineJob<J> {
  const id = randomUUID();
  const channel: EngineChannel = launch();
  let settled = false;
  const result = new Promise<EngineJobResult<J>>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      channel.send({ type: 'shutdown' });
    };
    channel.onMessage((raw) => {
      const parsed = engineMessageSchema.safeParse(raw);
      if (!parsed.success) {
        options.onLog?.('error', `The engine sent a message this version does not understand: ${JSON.stringify(raw).slice(0, 200)}`);
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'ready':
          channel.send({ type: 'start', jobId: id, job: name, params });
          break;
        case 'event':
          if (message.jobId === id) options.onEvent?.(message.event);
          break;
        case 'log':
          options.onLog?.(message.level, message.message);
          break;
        case 'result': {
          if (message.jobId !== id) break;
          const checked = ENGINE_JOBS[name].result.safeParse(message.result);
          if (checked.success) finish(() => resolve(checked.data as EngineJobResult<J>));
          else finish(() => reject(new StudioError('internal', `The engine answered the ${name} job with a malformed result.`, { hint: 'Report this problem.' })));
          break;
        }
        case 'failed':
          if (message.jobId === id) finish(() => reject(studioErrorFromData({ ...message.error, code: message.error.code as StudioError['code'] })));
          break;
      }
    });
    channel.onExit((exit) => {
      if (!settled) {
        settled = true;
        reject(crashError(name, exit));
      }
    });
  });
  const onAbort = () => channel.send({ type: 'stop', jobId: id });
  options.signal?.addEventListener('abort', onAbort, { once: true });
  void result.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => undefined);
  return {
    id,
    pid: channel.pid,
    result,
    pause: () => channel.send({ type: 'pause', jobId: id }),
    resume: () => channel.send({ type: 'resume', jobId: id }),
    stop: () => channel.send({ type: 'stop', jobId: id }),
    kill: () => channel.kill(),
  };
}

function crashError(name: string, exit: EngineExit): StudioError {
  const how =
    exit.signal === 'SIGKILL'
      ? 'was killed (SIGKILL; the system does this when memory runs out)'
      : exit.signal
        ? `was ended by ${exit.signal}`
        : exit.code === 134 || exit.code === 137
          ? 'ran out of memory'
          : `exited with code ${exit.code}`;
  const what = name === 'train' ? 'training' : name;
  return new StudioError('engine-crashed', `The ${what} engine process ${how} before finishing.`, {
    hint:
      name === 'train'
        ? 'Nothing you made is lost: the run folder keeps every completed checkpoint; resume it with "cnn-studio train --resume RUNDIR", or use a smaller batch or input size if memory ran out.'
        : 'Try again; if memory ran out, use fewer or smaller images.',
  });
}
