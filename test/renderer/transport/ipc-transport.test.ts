import { describe, expect, it } from 'vitest';
import { chooseTransport, lazyTransport } from '../../../src/renderer/src/studio-client';
import { createIpcTransport } from '../../../src/renderer/src/transport/ipc-transport';
import { preloadBridge } from '../../../src/renderer/src/transport/preload-bridge';
import type { StudioBridge } from '../../../src/shared/api/bridge';
import { createStudioClient } from '../../../src/shared/api/client';
import { StudioError } from '../../../src/shared/errors';

function fakeBridge(answer: (method: string, params: unknown) => unknown): StudioBridge & { emit(message: unknown): void } {
  const listeners = new Set<(m: unknown) => void>();
  return {
    request: async (method, params) => answer(method, params),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (message) => listeners.forEach((l) => l(message)),
  };
}

describe('ipc transport', () => {
  it('returns_results_and_throws_studio_errors_from_response_envelopes', async () => {
    const transport = createIpcTransport(
      fakeBridge((method) =>
        method === 'project.recent'
          ? { kind: 'response', id: 1, ok: true, result: { paths: ['/a.cnnstudio'] } }
          : { kind: 'response', id: 2, ok: false, error: { code: 'invalid-argument', message: 'Browser mode has no native file dialogs.' } },
      ),
    );
    expect(await transport.request('project.recent', {})).toEqual({ paths: ['/a.cnnstudio'] });
    const error = await transport.request('app.openDialog', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('invalid-argument');
  });

  it('refuses_an_unreadable_answer', async () => {
    const transport = createIpcTransport(fakeBridge(() => ({ something: 'else' })));
    await expect(transport.request('app.info', {})).rejects.toThrow(/cannot read/);
  });

  it('passes_valid_event_envelopes_only', () => {
    const bridge = fakeBridge(() => null);
    const seen: string[] = [];
    const stop = createIpcTransport(bridge).onEvent((event) => seen.push(event));
    bridge.emit({ kind: 'event', event: 'app.menuCommand', payload: { command: 'edit.undo' } });
    bridge.emit({ kind: 'event' });
    bridge.emit('junk');
    stop();
    bridge.emit({ kind: 'event', event: 'app.menuCommand', payload: {} });
    expect(seen).toEqual(['app.menuCommand']);
  });

  it('gives_typed_events_to_the_client_and_drops_payloads_outside_the_contract', () => {
    const bridge = fakeBridge(() => null);
    const client = createStudioClient(createIpcTransport(bridge));
    const seen: unknown[] = [];
    client.on('app.menuCommand', (payload) => seen.push(payload));
    bridge.emit({ kind: 'event', event: 'app.menuCommand', payload: { command: 'file.openPath', path: '/p.cnnstudio' } });
    bridge.emit({ kind: 'event', event: 'app.menuCommand', payload: { command: 'rm -rf' } });
    expect(seen).toEqual([{ command: 'file.openPath', path: '/p.cnnstudio' }]);
  });
});

describe('choosing the transport', () => {
  it('uses_the_preload_bridge_when_there_is_one', async () => {
    const bridge = fakeBridge(() => ({ kind: 'response', id: 1, ok: true, result: 'via ipc' }));
    const transport = chooseTransport({ cnnStudio: bridge, location: { protocol: 'file:', host: '', search: '' } as Location });
    expect(await transport.request('app.info', {})).toBe('via ipc');
  });

  it('ignores_a_bridge_that_is_not_one', () => {
    expect(preloadBridge({ cnnStudio: { request: 1 } as unknown as StudioBridge })).toBeNull();
    expect(preloadBridge(undefined)).toBeNull();
  });

  it('makes_the_transport_only_on_first_use', async () => {
    let made = 0;
    const transport = lazyTransport(() => {
      made += 1;
      return createIpcTransport(fakeBridge(() => ({ kind: 'response', id: 1, ok: true, result: made })));
    });
    expect(made).toBe(0);
    expect(await transport.request('app.info', {})).toBe(1);
    await transport.request('app.info', {});
    expect(made).toBe(1);
  });
});
