import { describe, expect, it, vi } from 'vitest';

/** The window's close questions (src/main/app/main-window.ts) against a stand-in for Electron. */
type Listener = (...args: unknown[]) => unknown;
const fake = vi.hoisted(() => {
  const state = { boxes: [] as { message: string; detail: string; buttons: string[] }[], answers: [] as number[], windows: [] as { listeners: Map<string, Listener[]>; closed: number }[] };
  class BrowserWindow {
    listeners = new Map<string, Listener[]>();
    closed = 0;
    constructor() {
      state.windows.push(this);
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    close() {
      this.closed += 1;
      const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      for (const l of this.listeners.get('close') ?? []) l(event);
    }
    isDestroyed = () => false;
    isMaximized = () => false;
    isFullScreen = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1000, height: 700 });
    maximize = () => undefined;
    setFullScreen = () => undefined;
    show = () => undefined;
  }
  const electron = {
    BrowserWindow,
    dialog: {
      showMessageBox: async (_win: unknown, box: { message: string; detail: string; buttons: string[] }) => {
        state.boxes.push(box);
        return { response: state.answers.shift() ?? 1 };
      },
    },
    nativeTheme: { shouldUseDarkColors: false },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
  return { state, electron };
});
vi.mock('electron', () => fake.electron);

const { createMainWindow } = await import('../../../src/main/app/main-window');

async function openWindow(document: { dirty: boolean }, training: () => string | null) {
  const state = { window: { read: async () => null, write: async () => undefined }, recovery: { discard: vi.fn(async () => undefined) } };
  await createMainWindow({
    state: state as never,
    preloadPath: '/preload.cjs',
    document: { title: 'LeNet — CNN Studio', dirty: document.dirty, recoveryKey: 'doc-1' },
    log: () => undefined,
    activeTraining: training,
    load: async () => undefined,
  });
  return fake.state.windows.at(-1)!;
}

/** Emits the window's close as Electron would (the user clicked ×); true when it was allowed. */
function userCloses(win: { listeners: Map<string, Listener[]> }): boolean {
  const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
  for (const l of win.listeners.get('close') ?? []) l(event);
  return !event.defaultPrevented;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('closing the window while training', () => {
  it('asks_first_and_stays_open_when_cancelled', async () => {
    fake.state.boxes = [];
    fake.state.answers = [1];
    const win = await openWindow({ dirty: false }, () => 'LeNet is training (epoch 3 of 10) into /runs/a.');
    expect(userCloses(win)).toBe(false);
    await settle();
    expect(fake.state.boxes[0]).toMatchObject({ message: 'A training run is in progress.', buttons: ['Stop Training and Close', 'Cancel'] });
    expect(fake.state.boxes[0]!.detail).toContain('LeNet is training (epoch 3 of 10) into /runs/a. Closing the window stops it');
    expect(win.closed).toBe(0);
  });

  it('closes_when_confirmed_then_asks_about_unsaved_changes_as_before', async () => {
    fake.state.boxes = [];
    fake.state.answers = [0, 1];
    const win = await openWindow({ dirty: true }, () => 'LeNet is training (its first epoch) into /runs/b.');
    expect(userCloses(win)).toBe(false);
    await settle();
    await settle();
    expect(win.closed).toBe(1);
    expect(fake.state.boxes.map((b) => b.message)).toEqual(['A training run is in progress.', '"LeNet" has changes that are not saved.']);
  });

  it('does_not_ask_when_nothing_trains', async () => {
    fake.state.boxes = [];
    const win = await openWindow({ dirty: false }, () => null);
    expect(userCloses(win)).toBe(true);
    expect(fake.state.boxes).toEqual([]);
  });
});
