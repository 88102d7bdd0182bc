import { describe, expect, it, vi } from 'vitest';

/** The desktop host's folder dialog and system notification (src/main/app/electron-host.ts) against a stand-in for Electron. */
const fake = vi.hoisted(() => {
  const state = { dialogs: [] as Record<string, unknown>[], notices: [] as { title: string; body: string; clicked?: () => void }[], supported: true };
  class Notification {
    private click: (() => void) | undefined;
    constructor(private readonly options: { title: string; body: string }) {}
    static isSupported = () => state.supported;
    on(event: string, listener: () => void) {
      if (event === 'click') this.click = listener;
      return this;
    }
    show() {
      state.notices.push({ ...this.options, ...(this.click ? { clicked: this.click } : {}) });
    }
  }
  const electron = {
    Notification,
    dialog: {
      showOpenDialog: async (_win: unknown, settings: Record<string, unknown>) => {
        state.dialogs.push(settings);
        return { canceled: false, filePaths: ['/data/chosen'] };
      },
      showSaveDialog: async () => ({ canceled: true }),
    },
    shell: { showItemInFolder: () => undefined },
  };
  return { state, electron };
});
vi.mock('electron', () => fake.electron);

const { createElectronHost } = await import('../../../src/main/app/electron-host');

function windowLike(focused: boolean) {
  return { isDestroyed: () => false, isFocused: () => focused, isMinimized: () => true, restore: vi.fn(), focus: vi.fn(), setTitle: () => undefined, setDocumentEdited: () => undefined };
}

describe('the Electron host', () => {
  it('opens_a_folder_dialog_when_asked_for_a_directory_and_a_project_dialog_otherwise', async () => {
    const win = windowLike(true);
    const host = createElectronHost({ window: () => win as never, startupProjectPath: () => null, document: { title: '', dirty: false, recoveryKey: undefined } });
    expect(await host.openDialog({ title: 'Choose the dataset folder', directory: true })).toBe('/data/chosen');
    expect(fake.state.dialogs[0]).toEqual({ title: 'Choose the dataset folder', properties: ['openDirectory'] });
    await host.openDialog({});
    expect(fake.state.dialogs[1]).toMatchObject({ title: 'Open a project', properties: ['openFile'], filters: [{ extensions: ['cnnstudio'] }] });
  });

  it('notifies_only_while_the_window_is_not_in_front_and_brings_it_back_on_a_click', () => {
    const focused = windowLike(true);
    const away = windowLike(false);
    let current = focused;
    const host = createElectronHost({ window: () => current as never, startupProjectPath: () => null, document: { title: '', dirty: false, recoveryKey: undefined } });
    host.notify?.({ title: 'Training finished', body: 'LeNet: 10 epochs.' });
    expect(fake.state.notices).toEqual([]);
    current = away;
    host.notify?.({ title: 'Training finished', body: 'LeNet: 10 epochs.' });
    expect(fake.state.notices.map((n) => [n.title, n.body])).toEqual([['Training finished', 'LeNet: 10 epochs.']]);
    fake.state.notices[0]!.clicked?.();
    expect(away.restore).toHaveBeenCalled();
    expect(away.focus).toHaveBeenCalled();
    fake.state.supported = false;
    host.notify?.({ title: 'Training failed', body: 'x' });
    expect(fake.state.notices).toHaveLength(1);
  });
});
