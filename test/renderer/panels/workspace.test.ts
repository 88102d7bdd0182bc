// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { useCommands } from '../../../src/renderer/src/composables/useCommands';
import { useMenuCommands } from '../../../src/renderer/src/composables/useMenuCommands';
import { useTrainingSession } from '../../../src/renderer/src/composables/useTrainingSession';
import WorkspaceTabs from '../../../src/renderer/src/panels/WorkspaceTabs.vue';
import WorkspaceView from '../../../src/renderer/src/panels/WorkspaceView.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { useProjectStore } from '../../../src/renderer/src/stores/project-store';
import { useSelectionStore } from '../../../src/renderer/src/stores/selection-store';
import { useTrainingStore } from '../../../src/renderer/src/stores/training-store';
import { useUiStore } from '../../../src/renderer/src/stores/ui-store';
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspace-store';
import type { TrainingRunSnapshot } from '../../../src/shared/api/methods/training';
import { fakeStudio } from '../support/fake-studio';
import { storeWith } from '../support/project-fixtures';

// Each test's window goes away with it: nothing of one test listens during the next.
enableAutoUnmount(afterEach);

vi.mock('uplot', async () => (await import('../support/fake-uplot')).uplotModule);

const live = (patch: Partial<TrainingRunSnapshot> = {}): TrainingRunSnapshot => ({
  runId: 'run-9',
  runDir: '/runs/r9',
  projectName: 'Test',
  projectPath: null,
  state: 'running',
  outcome: null,
  error: null,
  startedAt: '2026-11-25T10:00:00.000Z',
  endedAt: null,
  resumed: false,
  start: { type: 'start', runDir: '/runs/r9', backend: { name: 'wasm', label: 'WebAssembly', reason: 'r', gpu: null }, classes: ['a'], trainImages: 1, valImages: 0, epochs: 2, batchSize: 1, params: { trainable: 1, nonTrainable: 0, total: 1 }, resumedFrom: null, warnings: [] },
  epochs: [],
  batches: [],
  lastBatch: { type: 'batch', epoch: 2, batch: 1, batches: 2, loss: 1, accuracy: 1, imagesPerSecond: 1, learningRate: 0.1, eta: 1 },
  statuses: [],
  done: null,
  ...patch,
});

/** The window's frame as App.vue wires it: the session (re-attach, notices), the menu, the tabs and the views. */
const Frame = defineComponent({
  setup() {
    useTrainingSession();
    const { runMenuCommand } = useMenuCommands();
    return () => h('div', [h(WorkspaceTabs), h(WorkspaceView), h('button', { 'data-testid': 'menu-export', onClick: () => runMenuCommand({ command: 'file.export' }) })]);
  },
});

function setup(active: TrainingRunSnapshot[], mode: 'browser' | 'electron' = 'browser') {
  storeWith();
  const studio = fakeStudio({
    'training.active': () => ({ runs: active }),
    'runs.list': () => ({ folder: '/runs', runs: [] }),
    'dataset.scan': () => new Promise(() => undefined),
  });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode, nativeDialogs: false, platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  return { studio, wrapper: mount(Frame, { attachTo: document.body }) };
}

describe('the studio views', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('switch_with_the_tabs_keep_a_visited_view_and_open_export_from_the_menu', async () => {
    const { wrapper } = setup([]);
    await flushPromises();
    expect(useWorkspaceStore().view).toBe('network');
    await wrapper.find('[data-testid="view-training"]').trigger('click');
    expect(wrapper.find('[data-testid="training-panel"]').isVisible()).toBe(true);
    await wrapper.find('[data-testid="view-dataset"]').trigger('click');
    // The training view is kept (hidden), not made again.
    expect(wrapper.find('[data-testid="training-panel"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="training-panel"]').isVisible()).toBe(false);
    expect(wrapper.find('[data-testid="view-dataset"]').attributes('aria-selected')).toBe('true');
    await wrapper.find('[data-testid="menu-export"]').trigger('click');
    expect(useWorkspaceStore().view).toBe('export');
    expect(wrapper.find('[data-testid="export-panel"]').isVisible()).toBe(true);
  });

  it('leave_the_layers_alone_when_an_edit_key_is_pressed_outside_the_network_view', async () => {
    setup([]);
    await flushPromises();
    const project = useProjectStore();
    useSelectionStore().select(['conv1']);
    useWorkspaceStore().show('training');
    const { run } = useCommands();
    await run('edit.delete');
    expect(project.graph.nodes.map((n) => n.id)).toContain('conv1');
    expect(useUiStore().status).toBe('Layers are edited in the Network view.');
    useWorkspaceStore().show('network');
    await run('edit.delete');
    expect(project.graph.nodes.map((n) => n.id)).not.toContain('conv1');
  });

  it('re_attach_to_a_run_in_progress_at_start_and_show_its_progress_on_the_training_tab', async () => {
    const { wrapper, studio } = setup([live()]);
    await flushPromises();
    expect(studio.callsOf('training.active')).toHaveLength(1);
    expect(useTrainingStore().live?.runId).toBe('run-9');
    expect(wrapper.find('[data-testid="training-badge"]').text()).toBe('75%');
    studio.emit('training.state', { ...live(), state: 'paused' });
    await flushPromises();
    expect(wrapper.find('[data-testid="training-badge"]').text()).toBe('paused');
  });

  it('notify_in_the_browser_when_a_long_run_ends_while_the_tab_is_away', async () => {
    const shown: { title: string; body: string }[] = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      constructor(title: string, options: { body: string }) {
        shown.push({ title, body: options.body });
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    const { studio } = setup([live()]);
    await flushPromises();
    studio.emit('training.event', { runId: 'run-9', runDir: '/runs/r9', event: { type: 'epoch', epoch: 2, epochs: 2, loss: 0.5, accuracy: 0.9, valLoss: null, valAccuracy: null, imagesPerSecond: 1, seconds: 60, learningRate: 0.1, eta: 0, best: true } });
    studio.emit('training.event', { runId: 'run-9', runDir: '/runs/r9', event: { type: 'done', status: 'completed', epochs: 2, bestEpoch: 2, runDir: '/runs/r9', message: null, valLoss: null, valAccuracy: null, seconds: 120 } });
    studio.emit('training.state', { ...live(), state: 'ended', outcome: 'completed', endedAt: '2026-11-25T10:02:00.000Z' });
    await flushPromises();
    expect(shown).toEqual([{ title: 'Training finished', body: 'Training of Test finished: 2 epochs, training accuracy 90.0%.' }]);
    expect(useUiStore().toasts.map((t) => t.text)).toContain('Training of Test finished: 2 epochs, training accuracy 90.0%.');
  });

  it('leave_the_system_notification_to_electron_and_show_a_failure_in_the_window', async () => {
    const shown: string[] = [];
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'granted';
        constructor(title: string) {
          shown.push(title);
        }
      },
    );
    vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    const { studio } = setup([live()], 'electron');
    await flushPromises();
    studio.emit('training.state', { ...live(), state: 'ended', outcome: 'failed', endedAt: '2026-11-25T10:05:00.000Z', error: { code: 'training-failed', message: 'The loss became NaN or infinite in epoch 2, batch 1: the learning rate (10) is probably too high.', hint: 'Lower the learning rate (try a tenth).' } });
    await flushPromises();
    expect(shown).toEqual([]);
    expect(useUiStore().toasts.find((t) => t.kind === 'error')?.text).toBe('Training of Test failed: The loss became NaN or infinite in epoch 2, batch 1: the learning rate (10) is probably too high. Lower the learning rate (try a tenth).');
  });
});
