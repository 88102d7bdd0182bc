// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { useAutosave } from '../../../src/renderer/src/composables/useAutosave';
import { useKeyboardShortcuts } from '../../../src/renderer/src/composables/useKeyboardShortcuts';
import { useMenuCommands } from '../../../src/renderer/src/composables/useMenuCommands';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useClipboardStore } from '../../../src/renderer/src/stores/clipboard-store';
import { useSelectionStore } from '../../../src/renderer/src/stores/selection-store';
import { useUiStore } from '../../../src/renderer/src/stores/ui-store';
import type { StudioClient } from '../../../src/shared/api/client';
import { fakeClient } from '../support/fake-client';
import { storeWith } from '../support/project-fixtures';

const mounted: { unmount(): void }[] = [];

afterEach(() => {
  vi.useRealTimers();
  // Window listeners outlive a detached component: unmount, so no test hears another's keys.
  while (mounted.length) mounted.pop()!.unmount();
});

/** Mounts a component that only runs the given composables, with a text field to type into. */
function host(setup: () => void) {
  const wrapper = mount(
    defineComponent({
      setup() {
        setup();
        return () => h('input', { type: 'text', 'data-testid': 'field' });
      },
    }),
    { attachTo: document.body },
  );
  mounted.push(wrapper);
  return wrapper;
}

function press(init: KeyboardEventInit, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

describe('keyboard shortcuts', () => {
  it('runs_commands_and_leaves_typing_in_fields_alone', async () => {
    const project = storeWith();
    const wrapper = host(() => useKeyboardShortcuts());
    useSelectionStore().select(['dense1']);
    const field = wrapper.find('[data-testid="field"]').element;
    press({ key: 'Delete', code: 'Delete' }, field);
    await flushPromises();
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(true);
    const event = press({ key: 'Delete', code: 'Delete' });
    await flushPromises();
    expect(event.defaultPrevented).toBe(true);
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(false);
    press({ key: 'z', code: 'KeyZ', ctrlKey: true });
    await flushPromises();
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(true);
    press({ key: 'Z', code: 'KeyZ', ctrlKey: true, shiftKey: true });
    await flushPromises();
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(false);
    press({ key: 'a', code: 'KeyA', ctrlKey: true });
    expect(useSelectionStore().nodeIds).toHaveLength(5);
    press({ key: 'F1', code: 'F1' });
    expect(useUiStore().dialog).toBe('shortcuts');
  });

  it('duplicates_and_pastes_by_keyboard', async () => {
    const project = storeWith();
    host(() => useKeyboardShortcuts());
    const box = { text: '', writeText: async (t: string) => void (box.text = t), readText: async () => box.text };
    useClipboardStore().setAccess(box);
    useSelectionStore().select(['conv1']);
    press({ key: 'd', code: 'KeyD', ctrlKey: true });
    await flushPromises();
    expect(project.graph.nodes.at(-1)!.id).toBe('conv2');
    useSelectionStore().select(['pool1']);
    press({ key: 'c', code: 'KeyC', ctrlKey: true });
    await flushPromises();
    press({ key: 'v', code: 'KeyV', ctrlKey: true });
    await flushPromises();
    expect(project.graph.nodes.at(-1)!.id).toBe('pool2');
    expect(useSelectionStore().nodeIds).toEqual(['pool2']);
  });
});

describe('menu commands from the Electron menu', () => {
  it('runs_a_menu_command_and_opens_a_file_the_os_asked_for', async () => {
    const project = storeWith();
    let emit: ((payload: unknown) => void) | null = null;
    const client = fakeClient({ 'project.open': () => Promise.reject(new Error('not in this test')) });
    const withEvents: StudioClient = {
      ...client,
      on: ((_event: string, handler: (payload: unknown) => void) => {
        emit = handler;
        return () => undefined;
      }) as StudioClient['on'],
    };
    useClientStore().setClient(withEvents);
    host(() => useMenuCommands());
    useSelectionStore().select(['dense1']);
    emit!({ command: 'edit.delete' });
    await flushPromises();
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(false);
    const before = useUiStore().theme;
    emit!({ command: 'view.toggleTheme' });
    await flushPromises();
    expect(useUiStore().theme).toBe(before === 'dark' ? 'light' : 'dark');
    emit!({ command: 'file.openPath', path: '/tmp/other.cnnstudio' });
    await flushPromises();
    expect(useUiStore().dialog).toBe('confirm');
    useUiStore().answerConfirm(true);
    await flushPromises();
    expect(client.calls.at(-1)).toEqual({ method: 'project.open', params: { path: '/tmp/other.cnnstudio' } });
  });

  it('runs_a_key_the_menu_also_answers_once', async () => {
    const project = storeWith();
    let emit: ((payload: unknown) => void) | null = null;
    useClientStore().setClient({ ...fakeClient({}), on: ((_e: string, handler: (p: unknown) => void) => ((emit = handler), () => undefined)) as StudioClient['on'] });
    host(() => {
      useKeyboardShortcuts();
      useMenuCommands();
    });
    project.addLayer('Dropout', { x: 0, y: 0 });
    project.addLayer('Dropout', { x: 0, y: 0 });
    press({ key: 'z', code: 'KeyZ', ctrlKey: true });
    emit!({ command: 'edit.undo' });
    await flushPromises();
    expect(project.graph.nodes.filter((n) => n.kind === 'Dropout')).toHaveLength(1);
  });
});

describe('autosave', () => {
  it('writes_the_recovery_copy_once_a_few_seconds_after_a_burst_of_edits', async () => {
    vi.useFakeTimers();
    const project = storeWith();
    const client = fakeClient({ 'project.autosave': () => ({ savedAt: '2026-01-01T00:00:00.000Z' }) });
    useClientStore().setClient(client);
    host(() => useAutosave(3000));
    project.setParam('conv1', 'filters', 9);
    await vi.advanceTimersByTimeAsync(1000);
    project.setParam('conv1', 'filters', 10);
    await vi.advanceTimersByTimeAsync(2900);
    expect(client.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(client.calls.map((c) => c.method)).toEqual(['project.autosave']);
    expect((client.calls[0]!.params as { project: { nodes: { params: unknown }[] } }).project.nodes[1]!.params).toEqual({ filters: 10, kernelSize: 3 });
  });
});
