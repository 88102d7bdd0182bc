import type { EngineJobName, EngineMessage } from '../../../shared/api/engine-protocol';
import { ENGINE_JOBS, engineCommandSchema } from '../../../shared/api/engine-protocol';
import { StudioError, isStudioError } from '../../../shared/errors';
import { JobControl } from './job-control';
import { ENGINE_JOB_HANDLERS } from './engine-job-handlers';

/**
 * The engine process: owns TensorFlow.js, runs one job at a time, and talks to its parent through
 * Electron's parentPort (utilityProcess) or Node's IPC channel (child_process.fork).
 */
interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: EngineMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onCommand(listener: (raw: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else process.on('message', listener);
}

const controls = new Map<string, JobControl>();

// Ctrl-C in a terminal signals the whole process group, the engine included: the parent decides
// (it sends `stop`, so training ends cleanly and keeps its checkpoint), not the signal.
process.on('SIGINT', () => undefined);
// A parent that is gone cannot receive results: stop the job cleanly, then leave.
process.on('disconnect', () => {
  for (const c of controls.values()) c.stop();
  const leave = () => (controls.size === 0 ? process.exit(0) : setTimeout(leave, 100));
  leave();
  setTimeout(() => process.exit(0), 30_000).unref();
});

onCommand((raw) => {
  const parsed = engineCommandSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'log', level: 'error', message: 'The engine received a malformed command and ignored it.' });
    return;
  }
  const command = parsed.data;
  switch (command.type) {
    case 'start':
      void runJob(command.jobId, command.job, command.params);
      break;
    case 'pause':
      controls.get(command.jobId)?.pause();
      break;
    case 'resume':
      controls.get(command.jobId)?.resume();
      break;
    case 'stop':
      controls.get(command.jobId)?.stop();
      break;
    case 'shutdown':
      for (const c of controls.values()) c.stop();
      // Let pending messages flush before leaving.
      setTimeout(() => process.exit(0), 50);
      break;
  }
});

async function runJob(jobId: string, name: string, rawParams: unknown): Promise<void> {
  if (!Object.prototype.hasOwnProperty.call(ENGINE_JOBS, name)) {
    send({ type: 'failed', jobId, error: { code: 'internal', message: `The engine has no job named "${name}".` } });
    return;
  }
  const job = name as EngineJobName;
  const params = ENGINE_JOBS[job].params.safeParse(rawParams);
  if (!params.success) {
    const issue = params.error.issues[0];
    send({ type: 'failed', jobId, error: { code: 'invalid-argument', message: `The ${job} job was sent invalid parameters (${issue?.path.join('.')}: ${issue?.message}).` } });
    return;
  }
  const control = new JobControl();
  controls.set(jobId, control);
  try {
    const handler = ENGINE_JOB_HANDLERS[job] as (params: unknown, ctx: Parameters<(typeof ENGINE_JOB_HANDLERS)[EngineJobName]>[1]) => Promise<unknown>;
    const result = await handler(params.data, {
      emit: (event) => send({ type: 'event', jobId, event }),
      log: (level, message) => send({ type: 'log', level, message }),
      control,
    });
    send({ type: 'result', jobId, result });
  } catch (error) {
    const data = isStudioError(error)
      ? error.toJSON()
      : new StudioError('internal', `The ${job} job failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, { hint: 'Report this problem with the run folder.' }).toJSON();
    if (!isStudioError(error) && error instanceof Error) send({ type: 'log', level: 'error', message: error.stack ?? error.message });
    send({ type: 'failed', jobId, error: data });
  } finally {
    controls.delete(jobId);
  }
}

send({ type: 'ready', pid: process.pid });
