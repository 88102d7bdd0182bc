import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcMainLike } from '../../../src/main/app/ipc-bridge';
import { registerApiIpc } from '../../../src/main/app/ipc-bridge';
import { NO_EVENTS } from '../../../src/main/services/api/event-sink';
import { IPC_CHANNELS } from '../../../src/shared/api/bridge';
import type { HandlerFixture } from '../services/api/api-fixtures';
import { createHandlerFixture } from '../services/api/api-fixtures';

const APP = 'file:///app/out/renderer/index.html';
let fixture: HandlerFixture;
beforeAll(async () => {
  fixture = await createHandlerFixture();
});
afterAll(() => fixture.cleanup());

function fakeIpcMain() {
  const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipc, handlers };
}

describe('ipc bridge', () => {
  it('answers_the_app_page_through_the_same_dispatch_as_browser_mode', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const logged: string[] = [];
    const remove = registerApiIpc(ipc, { handlers: fixture.handlers, appUrl: APP, events: NO_EVENTS, log: (l) => logged.push(l) });
    expect([...handlers.keys()]).toEqual([IPC_CHANNELS.request]);
    const listener = handlers.get(IPC_CHANNELS.request)!;
    const page = { senderFrame: { url: APP, parent: null } };
    expect(await listener(page, { kind: 'request', id: 1, method: 'project.recent', params: {} })).toEqual({ kind: 'response', id: 1, ok: true, result: { paths: [] } });
    expect(await listener(page, { kind: 'request', id: 2, method: 'project.open', params: { path: ['x'] } })).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-argument' } });
    expect(await listener(page, 'junk')).toBeNull();
    remove();
    expect(handlers.size).toBe(0);
    expect(logged).toEqual([]);
  });

  it('refuses_other_pages_frames_and_closed_frames', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const logged: string[] = [];
    registerApiIpc(ipc, { handlers: fixture.handlers, appUrl: APP, events: NO_EVENTS, log: (l) => logged.push(l) });
    const listener = handlers.get(IPC_CHANNELS.request)!;
    const request = { kind: 'request', id: 3, method: 'project.recent', params: {} };
    expect(await listener({ senderFrame: { url: 'https://evil.example', parent: null } }, request)).toMatchObject({ id: 3, ok: false, error: { message: 'Only the studio window may call its services.' } });
    expect(await listener({ senderFrame: { url: APP, parent: { url: APP } } }, request)).toMatchObject({ ok: false });
    expect(await listener({ senderFrame: null }, { junk: true })).toBeNull();
    expect(logged).toEqual([
      'Refused an api request from https://evil.example: it is not the studio\'s page.',
      `Refused an api request from ${APP}: it is not the studio's page.`,
      "Refused an api request from a closed frame: it is not the studio's page.",
    ]);
  });
});
