// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import TrainingPanel from '../../../src/renderer/src/panels/training/TrainingPanel.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { useTrainingStore } from '../../../src/renderer/src/stores/training-store';
import { useUiStore } from '../../../src/renderer/src/stores/ui-store';
import type { RunMetrics, RunSummary } from '../../../src/shared/api/methods/runs';
import type { TrainingRunHeader, TrainingRunSnapshot } from '../../../src/shared/api/methods/training';
import type { RunEvent } from '../../../src/shared/run/run-events';
import { fakeStudio } from '../support/fake-studio';
import { charts } from '../support/fake-uplot';
import { storeWith } from '../support/project-fixtures';

// Each test's window goes away with it: nothing of one test listens during the next.
enableAutoUnmount(afterEach);

vi.mock('uplot', async () => (await import('../support/fake-uplot')).uplotModule);

const RUN_DIR = '/p/test.runs/2026-11-25_10-00-00';
const header = (patch: Partial<TrainingRunHeader> = {}): TrainingRunHeader => ({
  runId: 'run-1',
  runDir: RUN_DIR,
  projectName: 'Test',
  projectPath: '/p/test.cnnstudio',
  state: 'running',
  outcome: null,
  error: null,
  startedAt: '2026-11-25T10:00:00.000Z',
  endedAt: null,
  resumed: false,
  ...patch,
});
const start: Extract<RunEvent, { type: 'start' }> = {
  type: 'start',
  runDir: RUN_DIR,
  backend: { name: 'wasm', label: 'WebAssembly (SIMD, 1 thread)', reason: 'Chosen automatically: TensorFlow native is not installed.', gpu: null },
  classes: ['a', 'b'],
  trainImages: 800,
  valImages: 200,
  epochs: 4,
  batchSize: 32,
  params: { trainable: 10, nonTrainable: 0, total: 10 },
  resumedFrom: null,
  warnings: ['Class b has few images.'],
};
const batch = (epoch: number, b: number): Extract<RunEvent, { type: 'batch' }> => ({ type: 'batch', epoch, batch: b, batches: 25, loss: 1 / b, accuracy: 0.5, imagesPerSecond: 1234, learningRate: 0.001, eta: 95 });
const epoch = (n: number): Extract<RunEvent, { type: 'epoch' }> => ({ type: 'epoch', epoch: n, epochs: 4, loss: 0.5 / n, accuracy: 0.8, valLoss: 0.6 / n, valAccuracy: 0.75, imagesPerSecond: 1200, seconds: 2, learningRate: 0.001, eta: 4, best: true });
const snapshot = (patch: Partial<TrainingRunSnapshot> = {}): TrainingRunSnapshot => ({
  ...header(),
  start,
  epochs: [epoch(1)],
  batches: [1, 2, 3].map((b) => ({ epoch: 1, batch: b, batches: 25, loss: 1 / b, accuracy: 0.5 })),
  lastBatch: batch(2, 5),
  statuses: [],
  done: null,
  ...patch,
});
const summary = (dir: string, status: RunSummary['status'] = 'completed'): RunSummary => ({
  runDir: dir,
  id: dir.split('/').at(-1)!,
  projectName: 'Test',
  status,
  message: null,
  createdAt: `2026-11-2${dir.endsWith('a') ? 4 : 5}T10:00:00.000Z`,
  finishedAt: null,
  epochsPlanned: 4,
  epochsCompleted: 4,
  bestEpoch: 4,
  backend: 'WebAssembly',
  datasetPath: '/data',
  last: { epoch: 4, loss: 0.2, accuracy: 0.9, valLoss: 0.3, valAccuracy: 0.85 },
  best: null,
  hasWeights: true,
  live: false,
});
const metrics = (dir: string): RunMetrics => ({ runDir: dir, start, epochs: [epoch(1), epoch(2)], batches: [], statuses: [], done: null, damagedLines: 0 });

/** Types a value into a field and leaves it (the change event), as a person would. */
async function type(field: ReturnType<ReturnType<typeof mount>['find']>, value: string): Promise<void> {
  (field.element as HTMLInputElement).value = value;
  await field.trigger('input');
  await field.trigger('change');
}

function setup(options: { active?: TrainingRunSnapshot[]; runs?: RunSummary[]; dataset?: string | null } = {}) {
  const project = storeWith();
  if (options.dataset !== null) project.change('data', (p) => ({ ...p, dataset: { ...p.dataset, path: options.dataset ?? '/data' } }));
  const studio = fakeStudio({
    'training.active': () => ({ runs: options.active ?? [] }),
    'runs.list': () => ({ folder: '/p/test.runs', runs: options.runs ?? [] }),
    'runs.metrics': (p: { runDir: string }) => metrics(p.runDir),
    'training.start': () => ({ runId: 'run-2', runDir: `${RUN_DIR}-2` }),
    'training.pause': () => ({}),
    'training.resume': () => ({}),
    'training.stop': () => ({}),
    'training.resumeRun': (p: { runDir: string }) => ({ runId: 'run-3', runDir: p.runDir }),
  });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode: 'browser', nativeDialogs: false, platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  const wrapper = mount(TrainingPanel, { attachTo: document.body });
  return { project, studio, wrapper };
}

describe('the training dashboard', () => {
  beforeEach(() => {
    charts.length = 0;
  });

  it('re_attaches_to_the_run_the_services_keep_and_shows_its_progress_backend_and_curves', async () => {
    const { wrapper, studio } = setup({ active: [snapshot()] });
    await flushPromises();
    expect(studio.listening('training.event')).toBe(true);
    const status = wrapper.find('[data-testid="training-status"]');
    expect(status.attributes('data-state')).toBe('running');
    expect(wrapper.find('[data-testid="progress-label"]').text()).toBe('Epoch 2 of 4 · batch 5 of 25 · 1,234 images/s · about 1 min 35 s left');
    expect(wrapper.find('[role="progressbar"]').attributes('aria-valuenow')).toBe(String(Math.round(((1 + 5 / 25) / 4) * 100)));
    expect(wrapper.find('[data-testid="backend"]').text()).toBe('WebAssembly (SIMD, 1 thread) — Chosen automatically: TensorFlow native is not installed.');
    expect(wrapper.text()).toContain('⚠ Class b has few images.');
    expect(wrapper.find('[data-testid="last-epoch"]').text()).toBe('loss 0.5000, accuracy 80.0%; validation loss 0.6000, accuracy 75.0%');
    // Two charts (loss, accuracy), each with the batch curve, the training and the validation values.
    expect(charts).toHaveLength(2);
    expect(charts[0]!.series).toEqual(['training (batches, smoothed)', 'training (epoch)', 'validation']);
    expect(charts[0]!.data[0]).toEqual([1 / 25, 2 / 25, 3 / 25, 1]);
  });

  it('updates_the_curves_with_new_data_without_rebuilding_the_charts', async () => {
    const { wrapper, studio } = setup({ active: [snapshot()] });
    await flushPromises();
    studio.emit('training.event', { runId: 'run-1', runDir: RUN_DIR, event: batch(2, 6) });
    studio.emit('training.event', { runId: 'run-1', runDir: RUN_DIR, event: epoch(2) });
    await flushPromises();
    expect(charts).toHaveLength(2);
    expect(charts[0]!.setData.length).toBeGreaterThanOrEqual(1);
    expect(charts[0]!.data[0]).toEqual([1 / 25, 2 / 25, 3 / 25, 1, 1 + 6 / 25, 2]);
    // The validation loss column holds epoch 1's and epoch 2's values where the epochs end.
    expect(charts[0]!.data[3]).toEqual([null, null, null, 0.6, null, 0.3]);
    expect(wrapper.find('[data-testid="loss-chart"]').attributes('data-updates')).not.toBe('0');
    // Only a new theme makes the charts again (their colours come from it).
    useUiStore().toggleTheme();
    await flushPromises();
    expect(charts).toHaveLength(4);
    expect(charts.filter((c) => !c.destroyed)).toHaveLength(2);
  });

  it('marks_a_fine_tuning_runs_phase_change_on_both_curves_and_says_when_the_feature_cache_is_on', async () => {
    const cacheOn = 'Feature cache on: the frozen layers up to pool2 run once per image and their outputs (1 MB) are reused, so the head trains alone from epoch 1 on.';
    const phase2 = 'Phase 2 from epoch 3: conv2 and the layers after it (4 in all) train too, at 0.1 times the learning rate.';
    const { wrapper, studio } = setup({ active: [snapshot({ statuses: [{ type: 'status', status: 'feature-cache', message: cacheOn, epoch: 0, phase: 1, featureCache: { on: true, node: 'pool2' } }] })] });
    await flushPromises();
    expect(wrapper.find('[data-testid="feature-cache"]').text()).toBe(cacheOn);
    expect(wrapper.find('[data-testid="loss-chart"]').attributes('data-markers')).toBe('');
    studio.emit('training.event', { runId: 'run-1', runDir: RUN_DIR, event: { type: 'status', status: 'phase-change', message: phase2, epoch: 3, phase: 2 } });
    await flushPromises();
    // Phase 2 begins where epoch 2 ends on the epoch axis.
    expect(wrapper.find('[data-testid="loss-chart"]').attributes('data-markers')).toBe('2:phase 2');
    expect(wrapper.find('[data-testid="accuracy-chart"]').attributes('data-markers')).toBe('2:phase 2');
    expect(wrapper.find('[data-testid="phase-change"]').text()).toBe(phase2);
    expect(charts.filter((c) => (c.redraws ?? 0) > 0)).toHaveLength(2);
  });

  it('pauses_resumes_and_stops_through_the_services_and_shows_the_state_they_confirm', async () => {
    const { wrapper, studio } = setup({ active: [snapshot()] });
    await flushPromises();
    await wrapper.find('[data-testid="pause-button"]').trigger('click');
    expect(studio.callsOf('training.pause')).toEqual([{ runId: 'run-1' }]);
    studio.emit('training.state', header({ state: 'pausing' }));
    await flushPromises();
    expect(wrapper.find('[data-testid="training-state"]').text()).toBe('Pausing after this batch…');
    studio.emit('training.state', header({ state: 'paused' }));
    await flushPromises();
    await wrapper.find('[data-testid="resume-button"]').trigger('click');
    expect(studio.callsOf('training.resume')).toEqual([{ runId: 'run-1' }]);
    await wrapper.find('[data-testid="stop-button"]').trigger('click');
    expect(studio.callsOf('training.stop')).toEqual([{ runId: 'run-1' }]);
  });

  it('says_when_a_run_ends_and_reads_the_history_again', async () => {
    const { wrapper, studio } = setup({ active: [snapshot()] });
    await flushPromises();
    studio.emit('training.event', { runId: 'run-1', runDir: RUN_DIR, event: { type: 'done', status: 'stopped', epochs: 1, bestEpoch: 1, runDir: RUN_DIR, message: null, valLoss: null, valAccuracy: null, seconds: 30 } });
    studio.emit('training.state', header({ state: 'ended', outcome: 'stopped', endedAt: '2026-11-25T10:00:30.000Z' }));
    await flushPromises();
    expect(useUiStore().toasts.map((t) => [t.kind, t.text])).toContainEqual(['info', 'Training of Test stopped after 1 epoch, validation accuracy 75.0%; resume it from the run history.']);
    expect(studio.callsOf('runs.list').length).toBeGreaterThanOrEqual(2);
    expect(wrapper.find('[data-testid="training-status"]').attributes('data-outcome')).toBe('stopped');
    await wrapper.find('[data-testid="resume-run-button"]').trigger('click');
    expect(studio.callsOf('training.resumeRun')).toEqual([{ runDir: RUN_DIR }]);
  });

  it('starts_the_project_as_it_is_into_its_runs_folder_or_says_what_is_missing', async () => {
    const missing = setup({ dataset: null });
    await flushPromises();
    const button = missing.wrapper.find('[data-testid="start-button"]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(missing.wrapper.text()).toContain('Choose the dataset folder first, in the Dataset view.');
    missing.wrapper.unmount();

    const { wrapper, studio, project } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="start-button"]').trigger('click');
    await flushPromises();
    const [request] = studio.callsOf('training.start');
    expect(request).toMatchObject({ projectPath: '/tmp/test.cnnstudio', runsFolder: null, project: { name: 'Test', dataset: { path: '/data' } } });
    expect((request!.project as { nodes: unknown[] }).nodes).toHaveLength(project.graph.nodes.length);
    expect(useTrainingStore().busy).toBeNull();
  });

  it('checks_hyper_parameters_as_typed_and_commits_only_valid_ones_as_undoable_edits', async () => {
    const { wrapper, project } = setup();
    await flushPromises();
    // A rate of 0 passes the field's own range (min 0) but not the settings' schema (it must be positive).
    const rate = wrapper.find('[data-testid="hp-lr"]');
    await type(rate, '0');
    expect(wrapper.find('.problem').text()).toMatch(/^The learning rate must be (greater than|more than|above) 0/);
    expect(project.project.training.optimizer.learningRate).toBe(0.001);
    const batchInput = wrapper.find('[data-testid="hp-batch"]');
    await type(batchInput, '64');
    expect(project.project.training.batchSize).toBe(64);
    await type(rate, '0.01');
    expect(wrapper.find('.problem').exists()).toBe(false);
    expect(project.project.training.optimizer.learningRate).toBe(0.01);
    await wrapper.find('[data-testid="hp-schedule"]').setValue('step');
    expect(project.project.training.schedule.type).toBe('step');
    expect(wrapper.text()).toContain('every (epochs)');
    project.undo();
    project.undo();
    project.undo();
    expect(project.project.training.batchSize).toBe(32);
    expect(project.project.training.optimizer.learningRate).toBe(0.001);
  });

  it('lists_the_runs_and_overlays_the_curves_of_two_ticked_runs', async () => {
    const { wrapper, studio } = setup({ runs: [summary('/r/b'), summary('/r/a', 'stopped')] });
    await flushPromises();
    const rows = wrapper.findAll('[data-testid="run-row"]');
    expect(rows.map((r) => r.attributes('data-status'))).toEqual(['completed', 'stopped']);
    // The newest run with weights is shown, read back from its metrics.
    expect(studio.callsOf('runs.metrics')).toEqual([{ runDir: '/r/b' }]);
    expect(wrapper.find('[data-testid="training-status"]').attributes('data-outcome')).toBe('completed');
    const checks = wrapper.findAll('[data-testid="compare-check"]');
    await checks[0]!.setValue(true);
    await checks[1]!.setValue(true);
    await flushPromises();
    const compare = charts.find((c) => c.series[0]?.startsWith('A:'));
    expect(compare?.series).toHaveLength(4);
    expect(compare?.series[2]).toMatch(/^B: .* validation$/);
    expect(compare?.data[0]).toEqual([1, 2]);
    await rows[1]!.trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="resume-run-button"]').exists()).toBe(true);
  });
});
