import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { StudioBridge } from '../../../src/shared/api/bridge';
import { BRIDGE_GLOBAL, IPC_CHANNELS } from '../../../src/shared/api/bridge';

// The preload (src/preload/index.ts) runs against this stand-in for Electron's renderer modules.
const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
const eventListeners: ((event: unknown, message: unknown) => void)[] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, value: unknown) => exposed.set(name, value) },
  ipcRenderer: {
    invoke: async (channel: string, message: unknown) => {
      invoked.push([channel, message]);
      return { kind: 'response', id: (message as { id: number }).id, ok: true, result: 'answer' };
    },
    on: (channel: string, listener: (event: unknown, message: unknown) => void) => {
      if (channel === IPC_CHANNELS.event) eventListeners.push(listener);
    },
  },
}));

let bridge: StudioBridge;
beforeAll(async () => {
  await import('../../../src/preload/index');
  bridge = exposed.get(BRIDGE_GLOBAL) as StudioBridge;
});

describe('preload bridge', () => {
  it('exposes_one_object_with_request_and_onEvent_only', () => {
    expect([...exposed.keys()]).toEqual(['cnnStudio']);
    expect(Object.keys(bridge).sort()).toEqual(['onEvent', 'request']);
  });

  it('sends_requests_as_envelopes_on_the_cnn_rpc_channel', async () => {
    expect(await bridge.request('project.recent', {})).toEqual({ kind: 'response', id: 1, ok: true, result: 'answer' });
    await bridge.request('app.info', {});
    expect(invoked).toEqual([
      ['cnn:rpc', { kind: 'request', id: 1, method: 'project.recent', params: {} }],
      ['cnn:rpc', { kind: 'request', id: 2, method: 'app.info', params: {} }],
    ]);
    await expect(bridge.request(42 as unknown as string, {})).rejects.toThrow(TypeError);
  });

  it('delivers_event_messages_without_the_ipc_event_and_unsubscribes', () => {
    const seen: unknown[][] = [];
    const stop = bridge.onEvent((...args: unknown[]) => seen.push(args));
    const secretSender = { sender: 'ipcRenderer itself' };
    for (const l of eventListeners) l(secretSender, { kind: 'event', event: 'app.menuCommand', payload: { command: 'file.save' } });
    expect(seen).toEqual([[{ kind: 'event', event: 'app.menuCommand', payload: { command: 'file.save' } }]]);
    stop();
    for (const l of eventListeners) l(secretSender, { kind: 'event' });
    expect(seen).toHaveLength(1);
  });

  it('keeps_delivering_when_one_listener_throws', () => {
    const seen: unknown[] = [];
    const a = bridge.onEvent(() => {
      throw new Error('boom');
    });
    const b = bridge.onEvent((m) => seen.push(m));
    for (const l of eventListeners) l({}, 'message');
    expect(seen).toEqual(['message']);
    a();
    b();
  });
});
