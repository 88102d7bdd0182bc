import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { UtilityProcessLike } from '../../../src/main/app/engine-launcher';
import { utilityProcessChannel } from '../../../src/main/app/engine-launcher';
import { startEngineJob } from '../../../src/main/services/training/engine-jobs';
import { StudioError } from '../../../src/shared/errors';

vi.mock('electron', () => ({ utilityProcess: { fork: () => { throw new Error('not in tests'); } } }));

/** A stand-in utility process: messages the test sends as the engine, and what the channel posted. */
class FakeUtilityProcess extends EventEmitter implements UtilityProcessLike {
  pid: number | undefined = undefined;
  posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
    if ((message as { type: string }).type === 'shutdown') setImmediate(() => this.emit('exit', 0));
  }
  kill(): boolean {
    setImmediate(() => this.emit('exit', 15));
    return true;
  }
}

describe('the Electron engine launcher (a utility process as an EngineChannel)', () => {
  it('carries_a_job_from_ready_to_result_and_shuts_the_process_down', async () => {
    const child = new FakeUtilityProcess();
    const job = startEngineJob(() => utilityProcessChannel(child), 'predict', { runDir: '/run', files: ['/a.png'], backend: 'wasm' });
    // The pid is known only once Electron has spawned the process.
    child.pid = 321;
    child.emit('message', { type: 'ready', pid: 321 });
    expect(child.posted[0]).toMatchObject({ type: 'start', job: 'predict', params: { runDir: '/run', files: ['/a.png'] } });
    const jobId = (child.posted[0] as { jobId: string }).jobId;
    child.emit('message', { type: 'result', jobId, result: [{ file: '/a.png', label: 'cat', probabilities: [1] }] });
    expect(await job.result).toEqual([{ file: '/a.png', label: 'cat', probabilities: [1] }]);
    expect(child.posted.at(-1)).toEqual({ type: 'shutdown' });
  });

  it('reports_a_kill_it_asked_for_as_sigkill_and_drops_messages_after_the_exit', async () => {
    const child = new FakeUtilityProcess();
    const channel = utilityProcessChannel(child);
    const job = startEngineJob(() => channel, 'train', { runDir: '/run', project: { format: 'cnn-studio/project', version: 1, name: 'x', nodes: [], edges: [] }, projectPath: null, datasetPath: '/d', resume: false, backend: 'wasm' });
    child.emit('message', { type: 'ready', pid: 1 });
    job.kill();
    const error = (await job.result.catch((e: unknown) => e)) as StudioError;
    expect(error).toBeInstanceOf(StudioError);
    expect(error.message).toBe('The training engine process was killed (SIGKILL; the system does this when memory runs out) before finishing.');
    const before = child.posted.length;
    channel.send({ type: 'stop', jobId: 'x' });
    expect(child.posted).toHaveLength(before);
    let exit: unknown = null;
    channel.onExit((e) => (exit = e));
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reports_an_exit_it_did_not_ask_for_with_its_code', async () => {
    const child = new FakeUtilityProcess();
    const job = startEngineJob(() => utilityProcessChannel(child), 'evaluate', { runDir: '/run', dataPath: '/d' });
    child.emit('exit', 134);
    await expect(job.result).rejects.toThrow('The evaluate engine process ran out of memory before finishing.');
  });
});
