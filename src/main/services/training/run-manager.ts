import { resolve } from 'node:path';
import type { TrainingOutcome, TrainingRunHeader, TrainingRunSnapshot, TrainingState } from '../../../shared/api/methods/training';
import { StudioError, isStudioError } from '../../../shared/errors';
import type { StudioErrorData } from '../../../shared/errors';
import type { Project } from '../../../shared/project/project';
import type { RunEvent } from '../../../shared/run/run-events';
import type { EventSink } from '../api/event-sink';
import { MAX_CURVE_POINTS, batchPoint, readRunMetrics } from '../runs/project-runs';
import { readRunRecord } from '../runs/run-folder';
import type { EngineLauncher } from './engine-channel';
import type { EngineJob, EngineJobOptions } from './engine-jobs';
import { resumeTraining, startTraining } from './training-service';

/** A notice for the person at the machine (Electron shows it as a system notification). */
export interface RunNotice {
  title: string;
  body: string;
}

export interface RunManagerOptions {
  launch: EngineLauncher;
  /** Events for every window: a reloaded window, or a second tab, follows the same runs. */
  events: EventSink;
  /** Relative paths (a project's dataset) resolve here. */
  cwd: string;
  /** Tells the person a long run has ended (the host decides how, or whether). */
  notify?: (notice: RunNotice) => void;
  /** Runs shorter than this end without a notice. Default 60 s. */
  notifyAfterSeconds?: number;
  /** Ended runs kept for windows that attach later. Default 5. */
  keepEnded?: number;
  /** How long `dispose` waits for runs to stop cleanly before killing their engines. Default 10 s. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  now?: () => Date;
}

/**
 * The training runs of one studio (Electron's main process, or a `cnn-studio serve` process). It
 * starts each run in its own engine process, keeps its curves by run id, forwards every event to the
 * windows, answers what is running (so training survives a reload of the window), pauses, resumes and
 * stops, and notices when a run ends, however it ends. One run trains at a time: the engine uses
 * every core it is given, so a second run would only slow both.
 */
export interface RunManager {
  /** Starts a project's training into `runDir` (a new folder). */
  start(request: { project: Project; projectPath: string | null; runDir: string }): TrainingRunHeader;
  /** Continues a stopped, failed or crashed run from its last checkpoint. */
  resumeRun(runDir: string): Promise<TrainingRunHeader>;
  pause(runId: string): void;
  resume(runId: string): void;
  stop(runId: string): void;
  /** The followed runs (in progress, and the last few ended), oldest first. */
  snapshots(): TrainingRunSnapshot[];
  /** Run folders being trained now (absolute). */
  liveRunDirs(): Set<string>;
  /** A sentence about the run in progress ("… is in epoch 3 of 10"), or null when nothing trains. */
  activeDescription(): string | null;
  /** Stops every run cleanly (kills engines that do not stop in time); resolves when all have ended. */
  dispose(): Promise<void>;
}

interface FollowedRun {
  snapshot: TrainingRunSnapshot;
  job: EngineJob<'train'> | null;
  /** Batch events seen, to keep every `stride`-th once the curve is long. */
  batchCount: number;
  stride: number;
  ended: Promise<void>;
}

let nextRunNumber = 1;

/** Creates the run manager of a studio. */
export function createRunManager(options: RunManagerOptions): RunManager {
  const runs = new Map<string, FollowedRun>();
  const now = options.now ?? (() => new Date());
  const keepEnded = options.keepEnded ?? 5;
  const notifyAfter = options.notifyAfterSeconds ?? 60;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let resuming = false;

  function header(s: TrainingRunSnapshot): TrainingRunHeader {
    return {
      runId: s.runId,
      runDir: s.runDir,
      projectName: s.projectName,
      projectPath: s.projectPath,
      state: s.state,
      outcome: s.outcome,
      error: s.error,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      resumed: s.resumed,
    };
  }

  function announce(run: FollowedRun): void {
    emitSafely(() => options.events.emit('training.state', header(run.snapshot)));
  }

  /** A window that cannot take an event (closed mid-send) must not break the run's bookkeeping. */
  function emitSafely(send: () => void): void {
    try {
      send();
    } catch (error) {
      log(`An event of a training run was not delivered: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function setState(run: FollowedRun, state: TrainingState): void {
    if (run.snapshot.state === state || run.snapshot.state === 'ended') return;
    run.snapshot.state = state;
    announce(run);
  }

  function inProgress(): FollowedRun | undefined {
    return [...runs.values()].find((r) => r.snapshot.state !== 'ended');
  }

  function refuseSecondRun(): void {
    if (resuming) throw new StudioError('invalid-argument', 'A run is being resumed already.', { hint: 'Wait for it to start; one run trains at a time.' });
    const busy = inProgress();
    if (busy) {
      throw new StudioError('invalid-argument', `A training run is already in progress: ${busy.snapshot.projectName} in ${busy.snapshot.runDir}.`, {
        hint: 'Stop it first, or wait for it to finish; one run trains at a time.',
        where: busy.snapshot.runDir,
      });
    }
  }

  function record(run: FollowedRun, event: RunEvent): void {
    const s = run.snapshot;
    switch (event.type) {
      case 'start':
        s.start = event;
        // The engine drops commands that reach it before its job exists: a pause or stop asked for
        // while it was starting is sent again now that the job runs.
        if (s.state === 'stopping') run.job?.stop();
        else if (s.state === 'pausing') run.job?.pause();
        else setState(run, 'running');
        break;
      case 'batch':
        s.lastBatch = event;
        // A resumed run trains the epoch it was stopped in again: the earlier attempt's points give way.
        while (s.batches.length && (s.batches.at(-1)!.epoch > event.epoch || (s.batches.at(-1)!.epoch === event.epoch && s.batches.at(-1)!.batch >= event.batch))) s.batches.pop();
        if (run.batchCount++ % run.stride === 0) s.batches.push(batchPoint(event));
        if (s.batches.length > MAX_CURVE_POINTS) {
          // Halve the curve evenly and keep half as many of the batches to come.
          s.batches = s.batches.filter((_, i) => i % 2 === 0);
          run.stride *= 2;
        }
        break;
      case 'epoch':
        // A resumed run repeats the epoch it was stopped in; the new record replaces the old.
        s.epochs = [...s.epochs.filter((e) => e.epoch < event.epoch), event];
        break;
      case 'status':
        s.statuses.push(event);
        if (event.status === 'paused') setState(run, 'paused');
        else if (event.status === 'resumed' && (s.state === 'paused' || s.state === 'pausing')) setState(run, 'running');
        break;
      case 'done':
        s.done = event;
        break;
      default:
        break;
    }
    emitSafely(() => options.events.emit('training.event', { runId: s.runId, runDir: s.runDir, event }));
  }

  function finish(run: FollowedRun, outcome: TrainingOutcome, error: StudioErrorData | null): void {
    const s = run.snapshot;
    s.outcome = outcome;
    s.error = error;
    s.endedAt = now().toISOString();
    s.state = 'ended';
    run.job = null;
    announce(run);
    const seconds = (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000;
    if (options.notify && seconds >= notifyAfter) {
      try {
        options.notify(notice(s));
      } catch (failure) {
        log(`The end of a training run could not be announced: ${failure instanceof Error ? failure.message : String(failure)}`);
      }
    }
    // Only the last few ended runs stay for windows that attach later.
    const ended = [...runs.values()].filter((r) => r.snapshot.state === 'ended');
    for (const old of ended.slice(0, Math.max(0, ended.length - keepEnded))) runs.delete(old.snapshot.runId);
  }

  /** A run to follow: its events are recorded from the first one the engine sends. */
  function newRun(snapshot: TrainingRunSnapshot): { run: FollowedRun; jobOptions: EngineJobOptions } {
    const run: FollowedRun = { snapshot, job: null, batchCount: 0, stride: 1, ended: Promise.resolve() };
    const jobOptions: EngineJobOptions = {
      onEvent: (event) => record(run, event),
      onLog: (level, message) => {
        if (level === 'error') log(`[engine] ${message}`);
      },
    };
    return { run, jobOptions };
  }

  /** Registers a run whose engine has started, and follows it to its end. */
  function attach(run: FollowedRun, job: EngineJob<'train'>): void {
    run.job = job;
    runs.set(run.snapshot.runId, run);
    announce(run);
    run.ended = job.result.then(
      (result) => finish(run, result.status, null),
      (error: unknown) => finish(run, outcomeOf(error), errorData(error)),
    );
  }

  function newSnapshot(runDir: string, projectName: string, projectPath: string | null, resumed: boolean): TrainingRunSnapshot {
    return {
      runId: `run-${nextRunNumber++}-${Date.now().toString(36)}`,
      runDir: resolve(runDir),
      projectName,
      projectPath,
      state: 'starting',
      outcome: null,
      error: null,
      startedAt: now().toISOString(),
      endedAt: null,
      resumed,
      start: null,
      epochs: [],
      batches: [],
      lastBatch: null,
      statuses: [],
      done: null,
    };
  }

  function find(runId: string): FollowedRun {
    const run = runs.get(runId);
    if (!run) {
      throw new StudioError('invalid-argument', `There is no training run ${runId} in this studio.`, { hint: 'It may have ended long ago; the run history lists it.', where: runId });
    }
    return run;
  }

  function live(runId: string): FollowedRun {
    const run = find(runId);
    if (run.snapshot.state === 'ended') {
      throw new StudioError('invalid-argument', `The run in ${run.snapshot.runDir} has already ended (${run.snapshot.outcome}).`, { hint: 'Resume it from its last checkpoint instead.', where: run.snapshot.runDir });
    }
    return run;
  }

  return {
    start({ project, projectPath, runDir }) {
      refuseSecondRun();
      const { run, jobOptions } = newRun(newSnapshot(runDir, project.name, projectPath, false));
      // Throws at once when the project cannot start (no dataset folder); nothing is registered then.
      attach(run, startTraining(options.launch, { project, projectPath, runDir: run.snapshot.runDir, cwd: options.cwd }, jobOptions));
      return header(run.snapshot);
    },

    async resumeRun(runDir) {
      refuseSecondRun();
      resuming = true;
      try {
        const dir = resolve(options.cwd, runDir);
        const saved = await readRunRecord(dir);
        if (saved.status === 'completed') {
          throw new StudioError('invalid-argument', `The run in ${dir} is already complete (${saved.epochsCompleted} epochs).`, {
            hint: 'Start a new run, or raise the number of epochs first.',
            where: dir,
          });
        }
        // The curves so far come from the run's metrics, so the dashboard shows the whole run, not only what follows.
        const history = await readRunMetrics(dir).catch(() => null);
        const snapshot = newSnapshot(dir, saved.projectName, saved.projectPath, true);
        if (history) {
          const kept = history.epochs.filter((e) => e.epoch <= saved.epochsCompleted);
          Object.assign(snapshot, { epochs: kept, batches: history.batches.filter((b) => b.epoch <= saved.epochsCompleted + 1), statuses: history.statuses });
        }
        const { run, jobOptions } = newRun(snapshot);
        attach(run, await resumeTraining(options.launch, dir, jobOptions));
        return header(run.snapshot);
      } finally {
        resuming = false;
      }
    },

    pause(runId) {
      const run = live(runId);
      if (run.snapshot.state === 'paused' || run.snapshot.state === 'pausing' || run.snapshot.state === 'stopping') return;
      run.job?.pause();
      setState(run, 'pausing');
    },

    resume(runId) {
      const run = live(runId);
      if (run.snapshot.state !== 'paused' && run.snapshot.state !== 'pausing') return;
      run.job?.resume();
      // The engine confirms with a `resumed` status once it trains again; a pause it had not reached yet is simply withdrawn.
      setState(run, run.snapshot.start ? 'running' : 'starting');
    },

    stop(runId) {
      const run = live(runId);
      run.job?.stop();
      setState(run, 'stopping');
    },

    snapshots() {
      return [...runs.values()].map((r) => structuredClone(r.snapshot));
    },

    liveRunDirs() {
      return new Set([...runs.values()].filter((r) => r.snapshot.state !== 'ended').map((r) => r.snapshot.runDir));
    },

    activeDescription() {
      const run = inProgress();
      if (!run) return null;
      const s = run.snapshot;
      const epochs = s.start?.epochs;
      const at = s.lastBatch ? `epoch ${s.lastBatch.epoch}${epochs ? ` of ${epochs}` : ''}` : 'its first epoch';
      return `${s.projectName} is training (${at}) into ${s.runDir}.`;
    },

    async dispose() {
      const active = [...runs.values()].filter((r) => r.snapshot.state !== 'ended');
      for (const run of active) {
        run.job?.stop();
        setState(run, 'stopping');
      }
      const timeout = options.stopTimeoutMs ?? 10_000;
      await Promise.all(
        active.map(async (run) => {
          let timer: ReturnType<typeof setTimeout> | null = null;
          const late = new Promise<'late'>((done) => {
            timer = setTimeout(() => done('late'), timeout);
          });
          const outcome = await Promise.race([run.ended.then(() => 'ended' as const), late]);
          if (timer) clearTimeout(timer);
          if (outcome === 'late') {
            run.job?.kill();
            await run.ended;
          }
        }),
      );
    },
  };
}

/** A stop while the dataset was still being scanned ends the scan with `cancelled`: the user stopped it. */
function outcomeOf(error: unknown): TrainingOutcome {
  if (!isStudioError(error)) return 'failed';
  if (error.code === 'engine-crashed') return 'crashed';
  return error.code === 'cancelled' ? 'stopped' : 'failed';
}

function errorData(error: unknown): StudioErrorData {
  if (isStudioError(error)) return error.toJSON();
  return { code: 'internal', message: `Training failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, hint: 'Report this problem with the run folder.' };
}

function notice(s: TrainingRunSnapshot): RunNotice {
  const epochs = s.done?.epochs ?? s.epochs.at(-1)?.epoch ?? 0;
  const last = s.epochs.at(-1);
  const accuracy = last ? (last.valAccuracy ?? last.accuracy) : null;
  const score = accuracy === null ? '' : ` ${last?.valAccuracy !== null && last?.valAccuracy !== undefined ? 'validation ' : ''}accuracy ${(accuracy * 100).toFixed(1)}%.`;
  switch (s.outcome) {
    case 'completed':
      return { title: 'Training finished', body: `${s.projectName}: ${epochs} epoch${epochs === 1 ? '' : 's'},${score || ' done.'}` };
    case 'stopped':
      return { title: 'Training stopped', body: `${s.projectName}: stopped after ${epochs} epoch${epochs === 1 ? '' : 's'}.${score}` };
    default:
      return { title: 'Training failed', body: `${s.projectName}: ${s.error?.message ?? 'the run ended with an error.'}` };
  }
}
