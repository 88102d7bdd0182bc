import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventSink } from '../../../../src/main/services/api/event-sink';
import { createEventSink } from '../../../../src/main/services/api/event-sink';
import type { RunNotice } from '../../../../src/main/services/training/run-manager';
import { createRunManager } from '../../../../src/main/services/training/run-manager';
import type { RpcEvent } from '../../../../src/shared/api/rpc';
import { StudioError } from '../../../../src/shared/errors';
import { createProject } from '../../../../src/shared/project/project';
import { buildTemplate } from '../../../../src/shared/templates';
import { fakeLauncher, runEvents } from './fake-engine';

const project = () => createProject('Fake net', buildTemplate('lenet5'), { dataset: { path: '/data/images' } });
/** Lets queued engine messages arrive. */
// Long enough for the manager's file work (run folders, records) on a loaded 2-core machine.
const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

describe('the run manager (with a stand-in engine)', () => {
  let dir: string;
  let sent: RpcEvent[];
  let sink: EventSink;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cnn-runs-'));
    sent = [];
    sink = createEventSink((m) => sent.push(m));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const states = () => sent.filter((m) => m.event === 'training.state').map((m) => (m.payload as { state: string }).state);

  it('follows_a_run_to_its_end_forwarding_every_event_and_keeping_its_curves', async () => {
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir });
    const runDir = join(dir, 'run-1');
    const run = runs.start({ project: project(), projectPath: null, runDir });
    expect(run).toMatchObject({ runDir, state: 'starting', projectName: 'Fake net', outcome: null, resumed: false });
    await settle();
    const engine = launch.last();
    expect(engine.job).toBe('train');
    expect(engine.params).toMatchObject({ runDir, datasetPath: '/data/images', resume: false });

    engine.event(runEvents.start(runDir));
    for (let b = 1; b <= 10; b++) engine.event(runEvents.batch(1, b));
    engine.event(runEvents.epoch(1));
    await settle();
    const [live] = runs.snapshots();
    expect(live!.state).toBe('running');
    expect(live!.batches).toHaveLength(10);
    expect(live!.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(live!.lastBatch).toMatchObject({ epoch: 1, batch: 10 });
    expect(runs.liveRunDirs()).toEqual(new Set([runDir]));
    expect(runs.activeDescription()).toBe(`Fake net is training (epoch 1 of 3) into ${runDir}.`);

    engine.event(runEvents.done(runDir, 'completed', 3));
    engine.result({ status: 'completed', runDir, epochs: 3, bestEpoch: 3 });
    await settle();
    const [ended] = runs.snapshots();
    expect(ended).toMatchObject({ state: 'ended', outcome: 'completed', error: null });
    expect(ended!.endedAt).not.toBeNull();
    expect(runs.activeDescription()).toBeNull();
    expect(states()).toEqual(['starting', 'running', 'ended']);
    // Every run event reached the windows, in order, as the contract's training.event.
    const forwarded = sent.filter((m) => m.event === 'training.event').map((m) => (m.payload as { event: { type: string } }).event.type);
    expect(forwarded).toEqual(['start', ...Array(10).fill('batch'), 'epoch', 'done']);
    expect(engine.commandTypes()).toEqual(['start', 'shutdown']);
  });

  it('pauses_resumes_and_stops_through_the_engine_and_says_where_it_is', async () => {
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir });
    const { runId, runDir } = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'r') });
    await settle();
    const engine = launch.last();
    engine.event(runEvents.start(runDir));
    await settle();

    runs.pause(runId);
    expect(runs.snapshots()[0]!.state).toBe('pausing');
    engine.event(runEvents.status('paused'));
    await settle();
    expect(runs.snapshots()[0]!.state).toBe('paused');
    runs.pause(runId); // twice is once
    runs.resume(runId);
    expect(runs.snapshots()[0]!.state).toBe('running');
    runs.stop(runId);
    await settle();
    expect(engine.commandTypes()).toEqual(['start', 'pause', 'resume', 'stop', 'shutdown']);
    expect(runs.snapshots()[0]).toMatchObject({ state: 'ended', outcome: 'stopped' });
    expect(states()).toEqual(['starting', 'running', 'pausing', 'paused', 'running', 'stopping', 'ended']);
    expect(() => runs.stop(runId)).toThrow(/has already ended \(stopped\)/);
    expect(() => runs.pause('run-nope')).toThrow('There is no training run run-nope in this studio.');
  });

  it('sends_a_stop_asked_for_while_the_engine_starts_again_once_the_job_runs', async () => {
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir });
    const { runId, runDir } = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'r') });
    runs.stop(runId);
    await settle();
    const engine = launch.last();
    // The engine drops a stop that comes before its job exists (engine-entry.ts); the start event proves the job exists.
    engine.obeys = false;
    engine.event(runEvents.start(runDir));
    await settle();
    expect(engine.commandTypes().filter((t) => t === 'stop')).toHaveLength(2);
    expect(runs.snapshots()[0]!.state).toBe('stopping');
  });

  it('refuses_a_second_run_while_one_trains', async () => {
    const runs = createRunManager({ launch: fakeLauncher(), events: sink, cwd: dir });
    runs.start({ project: project(), projectPath: null, runDir: join(dir, 'a') });
    const error = (() => {
      try {
        runs.start({ project: project(), projectPath: null, runDir: join(dir, 'b') });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe(`A training run is already in progress: Fake net in ${join(dir, 'a')}.`);
    expect((error as StudioError).hint).toBe('Stop it first, or wait for it to finish; one run trains at a time.');
  });

  it('registers_nothing_when_the_project_cannot_start', () => {
    const runs = createRunManager({ launch: fakeLauncher(), events: sink, cwd: dir });
    const noData = createProject('No data', buildTemplate('lenet5'));
    expect(() => runs.start({ project: noData, projectPath: null, runDir: join(dir, 'x') })).toThrow('The project "No data" has no dataset folder.');
    expect(runs.snapshots()).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('reports_a_crash_and_a_failure_with_their_sentences_and_notifies_after_a_long_run', async () => {
    let clock = Date.parse('2026-11-25T10:00:00Z');
    const notices: RunNotice[] = [];
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir, now: () => new Date(clock), notify: (n) => notices.push(n), notifyAfterSeconds: 60 });

    const first = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'crash') });
    await settle();
    launch.last().event(runEvents.start(first.runDir));
    launch.last().event(runEvents.epoch(1));
    await settle();
    clock += 120_000;
    launch.last().crash();
    await settle();
    const crashed = runs.snapshots().find((r) => r.runId === first.runId)!;
    expect(crashed).toMatchObject({ outcome: 'crashed', error: { code: 'engine-crashed', message: 'The training engine process was killed (SIGKILL; the system does this when memory runs out) before finishing.' } });
    expect(notices).toEqual([{ title: 'Training failed', body: 'Fake net: The training engine process was killed (SIGKILL; the system does this when memory runs out) before finishing.' }]);

    // A short run that fails says why, without a notice.
    const second = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'nan') });
    await settle();
    launch.last().fail({ code: 'training-failed', message: 'The loss became NaN or infinite in epoch 1, batch 3: the learning rate (10) is probably too high.', hint: 'Lower the learning rate (try a tenth).' });
    await settle();
    expect(runs.snapshots().find((r) => r.runId === second.runId)).toMatchObject({ outcome: 'failed', error: { code: 'training-failed', hint: 'Lower the learning rate (try a tenth).' } });
    expect(notices).toHaveLength(1);

    // A long run that completes: the notice names the epochs and the validation accuracy.
    const third = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'ok') });
    await settle();
    launch.last().event(runEvents.start(third.runDir, 2));
    launch.last().event(runEvents.epoch(1, 2));
    launch.last().event(runEvents.epoch(2, 2));
    launch.last().event(runEvents.done(third.runDir, 'completed', 2));
    clock += 90_000;
    launch.last().result({ status: 'completed', runDir: third.runDir, epochs: 2, bestEpoch: 2 });
    await settle();
    expect(notices[1]).toEqual({ title: 'Training finished', body: 'Fake net: 2 epochs, validation accuracy 65.0%.' });
  });

  it('keeps_only_the_last_few_ended_runs', async () => {
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir, keepEnded: 2 });
    for (let i = 0; i < 4; i++) {
      const run = runs.start({ project: project(), projectPath: null, runDir: join(dir, `r${i}`) });
      await settle();
      launch.last().result({ status: 'completed', runDir: run.runDir, epochs: 1, bestEpoch: 1 });
      await settle();
    }
    expect(runs.snapshots().map((r) => r.runDir)).toEqual([join(dir, 'r2'), join(dir, 'r3')]);
  });

  it('thins_a_long_curve_and_keeps_its_end', async () => {
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir });
    const run = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'long') });
    await settle();
    for (let b = 1; b <= 2500; b++) launch.last().event(runEvents.batch(1, b, 1 / b, 2500));
    await settle();
    const [snapshot] = runs.snapshots();
    expect(snapshot!.runId).toBe(run.runId);
    expect(snapshot!.batches.length).toBeLessThanOrEqual(1000);
    expect(snapshot!.batches.length).toBeGreaterThan(500);
    expect(snapshot!.batches[0]!.batch).toBe(1);
    expect(snapshot!.lastBatch!.batch).toBe(2500);
  });

  it('resumes_a_stopped_run_from_its_folder_and_refuses_a_complete_one', async () => {
    const runDir = join(dir, 'stopped');
    await mkdir(runDir);
    const record = (status: string) => ({
      format: 'cnn-studio/run', version: 1, id: 'stopped', kind: 'cnn', projectName: 'Fake net', projectPath: null, status, message: null,
      createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z', finishedAt: null,
      backend: { name: 'wasm', label: 'WebAssembly', reason: 'test', gpu: null, versions: {} }, pid: null,
      training: project().training, datasetPath: '/data/images', epochsPlanned: 3, epochsCompleted: 1, bestEpoch: 1, checkpoints: ['checkpoints/epoch-0001'], finalWeights: 'weights',
    });
    await writeFile(join(runDir, 'run.json'), JSON.stringify(record('stopped')));
    await writeFile(join(runDir, 'project.cnnstudio'), JSON.stringify({ format: 'cnn-studio/project', version: 1, name: 'Fake net', nodes: [], edges: [] }));
    // Epoch 1 completed; epoch 2 had begun when the run was stopped.
    const before = [runEvents.start(runDir), runEvents.batch(1, 5), runEvents.batch(1, 10), runEvents.epoch(1), runEvents.batch(2, 5)];
    await writeFile(join(runDir, 'metrics.jsonl'), before.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir });
    const resumed = await runs.resumeRun('stopped');
    expect(resumed).toMatchObject({ runDir, resumed: true, state: 'starting' });
    await settle();
    expect(launch.last().params).toMatchObject({ runDir, resume: true });
    // The dashboard of a resumed run shows the whole run: its earlier epochs come from metrics.jsonl.
    expect(runs.snapshots()[0]!.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(runs.snapshots()[0]!.batches.map((b) => `${b.epoch}.${b.batch}`)).toEqual(['1.5', '1.10', '2.5']);
    launch.last().event(runEvents.batch(2, 1));
    await settle();
    expect(runs.snapshots()[0]!.batches.map((b) => `${b.epoch}.${b.batch}`)).toEqual(['1.5', '1.10', '2.1']);
    launch.last().result({ status: 'completed', runDir, epochs: 3, bestEpoch: 3 });
    await settle();

    await writeFile(join(runDir, 'run.json'), JSON.stringify(record('completed')));
    await expect(runs.resumeRun(runDir)).rejects.toThrow(`The run in ${runDir} is already complete (1 epochs).`);
  });

  it('disposes_by_stopping_cleanly_and_kills_an_engine_that_does_not_stop', async () => {
    const launch = fakeLauncher();
    const runs = createRunManager({ launch, events: sink, cwd: dir, stopTimeoutMs: 50 });
    const run = runs.start({ project: project(), projectPath: null, runDir: join(dir, 'busy') });
    await settle();
    launch.last().obeys = false;
    launch.last().event(runEvents.start(run.runDir));
    await settle();
    const kill = vi.spyOn(launch.last(), 'kill');
    await runs.dispose();
    expect(launch.last().commandTypes()).toContain('stop');
    expect(kill).toHaveBeenCalled();
    expect(runs.snapshots()[0]).toMatchObject({ state: 'ended', outcome: 'crashed' });
  });
});
