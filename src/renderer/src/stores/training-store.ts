import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { BatchPoint, TrainingRunHeader, TrainingRunSnapshot } from '../../../shared/api/methods/training';
import { describeError } from '../../../shared/errors';
import { projectToFile } from '../../../shared/project/codec';
import type { RunEvent } from '../../../shared/run/run-events';
import { useClientStore } from './client-store';
import { useDocumentStore } from './document-store';
import { useProjectStore } from './project-store';
import { useRunsStore } from './runs-store';
import { useUiStore } from './ui-store';

/** A run as the dashboard shows it: the services' snapshot, kept current by their events. */
export type LiveRun = TrainingRunSnapshot;

/** Runs shorter than this end with a message in the window only, never a system notification. */
export const NOTIFY_AFTER_SECONDS = 60;

/** The browser's Notification API, where the page has one (not in tests, not in every browser). */
function browserNotifications(): typeof Notification | null {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : null;
}

/** What a window says when a run has ended: a sentence and how it reads. */
export function endMessage(run: LiveRun): { text: string; kind: 'success' | 'info' | 'error'; title: string } {
  const epochs = run.done?.epochs ?? run.epochs.at(-1)?.epoch ?? 0;
  const last = run.epochs.at(-1);
  const score = last ? (last.valAccuracy !== null ? `, validation accuracy ${(last.valAccuracy * 100).toFixed(1)}%` : `, training accuracy ${(last.accuracy * 100).toFixed(1)}%`) : '';
  const of = `${epochs} epoch${epochs === 1 ? '' : 's'}`;
  switch (run.outcome) {
    case 'completed':
      return { title: 'Training finished', kind: 'success', text: `Training of ${run.projectName} finished: ${of}${score}.${run.done?.message ? ` ${run.done.message}` : ''}` };
    case 'stopped':
      return { title: 'Training stopped', kind: 'info', text: `Training of ${run.projectName} stopped after ${of}${score}; resume it from the run history.` };
    default:
      return { title: 'Training failed', kind: 'error', text: `Training of ${run.projectName} ${run.outcome === 'crashed' ? 'crashed' : 'failed'}: ${run.error?.message ?? 'no reason was given.'}${run.error?.hint ? ` ${run.error.hint}` : ''}` };
  }
}

/** What the dashboard marks for a fine-tuning run: where phase 2 began, and whether the head trains on cached features. */
export interface FineTuningNotes {
  /** Epochs at which a phase began (phase 2 unfreezing the body), with the sentence. */
  phaseChanges: { epoch: number; phase: number; message: string }[];
  /** The latest word on the feature cache, or null when the run has none (nothing frozen). */
  featureCache: { on: boolean; node: string | null; message: string } | null;
}

/** The phase marker and the "feature cache on" note of a run, from its status events. */
export function fineTuningNotes(run: LiveRun): FineTuningNotes {
  const phaseChanges = run.statuses.filter((s) => s.status === 'phase-change').map((s) => ({ epoch: s.epoch ?? 0, phase: s.phase ?? 2, message: s.message }));
  const cache = run.statuses.filter((s) => s.status === 'feature-cache').at(-1);
  return { phaseChanges, featureCache: cache ? { on: cache.featureCache?.on ?? false, node: cache.featureCache?.node ?? null, message: cache.message } : null };
}

/**
 * Training as the window sees it. The runs belong to the services (they outlive a reload of the
 * window): `attach` subscribes to their events and asks what is running, then every window follows
 * the same runs. Pause, resume and stop go to the services; the state shown is the one they confirm.
 */
export const useTrainingStore = defineStore('training', () => {
  const clients = useClientStore();
  const project = useProjectStore();
  const documents = useDocumentStore();
  const runsStore = useRunsStore();
  const ui = useUiStore();

  const runs = shallowRef<Map<string, LiveRun>>(new Map());
  const attached = ref(false);
  /** A request in flight (start, resume…), to disable the buttons meanwhile. */
  const busy = ref<string | null>(null);
  let unsubscribers: (() => void)[] = [];

  const ordered = computed(() => [...runs.value.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)));
  /** The run in progress (the services train one at a time), or null. */
  const live = computed(() => ordered.value.find((r) => r.state !== 'ended') ?? null);
  /** The most recent run this window knows, live or ended. */
  const latest = computed(() => ordered.value.at(-1) ?? null);

  function byDir(runDir: string): LiveRun | null {
    return ordered.value.filter((r) => r.runDir === runDir).at(-1) ?? null;
  }

  function put(run: LiveRun): void {
    const next = new Map(runs.value);
    next.set(run.runId, run);
    runs.value = next;
  }

  function emptyRun(header: TrainingRunHeader): LiveRun {
    return { ...header, start: null, epochs: [], batches: [], lastBatch: null, statuses: [], done: null };
  }

  function applyHeader(header: TrainingRunHeader): void {
    const before = runs.value.get(header.runId);
    const run = { ...(before ?? emptyRun(header)), ...header };
    put(run);
    // A run new to this window may come with curves (a resumed run's earlier epochs): read its snapshot.
    if (!before) void readSnapshots().catch(() => undefined);
    if (header.state === 'ended' && before && before.state !== 'ended') ended(run);
  }

  /**
   * Takes the services' snapshots of the runs (after a reload, or for a run new to this window). The
   * answer leaves on the same channel as the events, after those it includes and before those it
   * does not, so replacing the runs with it loses nothing.
   */
  async function readSnapshots(): Promise<void> {
    const { runs: snapshots } = await clients.use().call('training.active', {});
    const next = new Map(runs.value);
    for (const snapshot of snapshots) {
      const before = next.get(snapshot.runId);
      next.set(snapshot.runId, snapshot);
      if (before && before.state !== 'ended' && snapshot.state === 'ended') ended(snapshot);
    }
    runs.value = next;
  }

  /** Applies one event; events already in an attach's snapshot change nothing when they come again. */
  function applyEvent(runId: string, runDir: string, event: RunEvent): void {
    const before = runs.value.get(runId);
    const run: LiveRun = { ...(before ?? emptyRun({ runId, runDir, projectName: '', projectPath: null, state: 'running', outcome: null, error: null, startedAt: new Date().toISOString(), endedAt: null, resumed: false })) };
    switch (event.type) {
      case 'start':
        run.start = event;
        // The run folder exists from now on: the history lists it.
        void runsStore.refresh();
        break;
      case 'batch': {
        run.lastBatch = event;
        const point: BatchPoint = { epoch: event.epoch, batch: event.batch, batches: event.batches, loss: event.loss, accuracy: event.accuracy };
        // A resumed epoch starts again from batch 1: the earlier attempt's points give way.
        const kept = run.batches.filter((b) => b.epoch < point.epoch || (b.epoch === point.epoch && b.batch < point.batch));
        run.batches = kept.length === run.batches.length ? [...run.batches, point] : [...kept, point];
        break;
      }
      case 'epoch':
        run.epochs = [...run.epochs.filter((e) => e.epoch < event.epoch), event];
        break;
      case 'status':
        if (!run.statuses.some((s) => JSON.stringify(s) === JSON.stringify(event))) run.statuses = [...run.statuses, event];
        break;
      case 'done':
        run.done = event;
        break;
      default:
        break;
    }
    put(run);
  }

  /** A run this window watched has ended: a message, a notification for a long one, the history read again. */
  function ended(run: LiveRun): void {
    const message = endMessage(run);
    ui.toast(message.text, message.kind);
    const seconds = run.endedAt ? (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000 : 0;
    // Electron's main process shows the system notification itself (src/main/app/electron-host.ts).
    const api = browserNotifications();
    const away = typeof document !== 'undefined' && (document.hidden || !document.hasFocus());
    if (documents.info?.mode === 'browser' && api && api.permission === 'granted' && seconds >= NOTIFY_AFTER_SECONDS && away) {
      try {
        new api(message.title, { body: message.text, tag: run.runId });
      } catch {
        // Some browsers allow notifications only from a service worker; the message above is shown anyway.
      }
    }
    runsStore.invalidate(run.runDir);
    void runsStore.refresh().then(() => runsStore.select(run.runDir));
  }

  /** Follows the services' runs: subscribes to their events, then asks what is running (after a reload too). */
  async function attach(): Promise<void> {
    if (attached.value) return;
    attached.value = true;
    const client = clients.use();
    let ready = false;
    const waiting: (() => void)[] = [];
    const later = (apply: () => void) => (ready ? apply() : waiting.push(apply));
    unsubscribers = [
      client.on('training.state', (header) => later(() => applyHeader(header))),
      client.on('training.event', ({ runId, runDir, event }) => later(() => applyEvent(runId, runDir, event))),
    ];
    try {
      await readSnapshots();
    } catch (error) {
      ui.toast(`The training runs could not be read: ${describeError(error)}`, 'error');
    } finally {
      ready = true;
      for (const apply of waiting.splice(0)) apply();
    }
  }

  function detach(): void {
    for (const stop of unsubscribers) stop();
    unsubscribers = [];
    attached.value = false;
  }

  async function attempt<T>(what: string, action: () => Promise<T>): Promise<T | null> {
    busy.value = what;
    try {
      return await action();
    } catch (error) {
      ui.toast(describeError(error), 'error');
      return null;
    } finally {
      busy.value = null;
    }
  }

  /** Asks, on the click that starts a run, whether a long run may notify when it ends (browser mode). */
  function askForNotifications(): void {
    const api = browserNotifications();
    if (documents.info?.mode !== 'browser' || !api || api.permission !== 'default') return;
    void Promise.resolve(api.requestPermission()).catch(() => undefined);
  }

  /** Why the project cannot train now, as a sentence, or null. */
  const startProblem = computed(() => {
    if (live.value) return `A run is in progress (${live.value.projectName}); one run trains at a time.`;
    if (project.errorCount) return `The network has ${project.errorCount} error${project.errorCount === 1 ? '' : 's'}; fix ${project.errorCount === 1 ? 'it' : 'them'} first (see Problems).`;
    if (!project.graph.nodes.length) return 'The network is empty; build one on the canvas first.';
    if (!project.project.dataset.path) return 'Choose the dataset folder first, in the Dataset view.';
    return null;
  });

  /** Trains the project as it is now (unsaved edits included) into a new run of its runs folder. */
  async function start(): Promise<boolean> {
    const problem = startProblem.value;
    if (problem) {
      ui.toast(problem, 'error');
      return false;
    }
    askForNotifications();
    await attach();
    const started = await attempt('Starting', () =>
      clients.use().call('training.start', { project: projectToFile(project.project), projectPath: project.path, runsFolder: runsStore.chosenFolder }),
    );
    if (!started) return false;
    runsStore.select(started.runDir);
    void runsStore.refresh();
    return true;
  }

  /** Continues a stopped, failed or crashed run from its last checkpoint. */
  async function resumeRun(runDir: string): Promise<boolean> {
    askForNotifications();
    await attach();
    const started = await attempt('Resuming', () => clients.use().call('training.resumeRun', { runDir }));
    if (!started) return false;
    runsStore.select(started.runDir);
    runsStore.invalidate(started.runDir);
    void runsStore.refresh();
    return true;
  }

  async function pause(runId: string): Promise<void> {
    await attempt('Pausing', () => clients.use().call('training.pause', { runId }));
  }

  async function resume(runId: string): Promise<void> {
    await attempt('Resuming', () => clients.use().call('training.resume', { runId }));
  }

  async function stop(runId: string): Promise<void> {
    await attempt('Stopping', () => clients.use().call('training.stop', { runId }));
  }

  return { runs, ordered, live, latest, attached, busy, startProblem, byDir, attach, detach, start, resumeRun, pause, resume, stop };
});
