import { describe, expect, it } from 'vitest';
import type { SocketLike } from '../../../src/renderer/src/transport/websocket-transport';
import { createWebSocketTransport, websocketUrl } from '../../../src/renderer/src/transport/websocket-transport';
import { StudioError } from '../../../src/shared/errors';

type Listener = (event: { data?: unknown }) => void;

/** A socket the test drives: it records what is sent and fires events on demand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  private listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.fire('close');
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, data?: unknown): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const l of this.listeners.get(type) ?? []) l({ data });
  }
  lastRequest(): { id: number; method: string; params: unknown } {
    return JSON.parse(this.sent.at(-1)!);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const transport = createWebSocketTransport({
    url: 'ws://127.0.0.1:9/api?token=t',
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    reconnectDelaysMs: [1],
  });
  return { transport, sockets };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('websocket transport', () => {
  it('builds_the_api_url_from_the_page_with_its_token', () => {
    expect(websocketUrl({ protocol: 'http:', host: '127.0.0.1:8765', search: '?token=abc%2B1' })).toBe('ws://127.0.0.1:8765/api?token=abc%2B1');
    expect(websocketUrl({ protocol: 'https:', host: 'h:1', search: '' })).toBe('wss://h:1/api');
  });

  it('opens_on_first_use_and_matches_answers_by_id', async () => {
    const { transport, sockets } = setup();
    const first = transport.request('project.recent', {});
    const second = transport.request('app.info', {});
    sockets[0]!.fire('open');
    await tick();
    expect(sockets).toHaveLength(1);
    const [a, b] = sockets[0]!.sent.map((s) => JSON.parse(s) as { id: number; method: string });
    expect([a!.method, b!.method]).toEqual(['project.recent', 'app.info']);
    sockets[0]!.fire('message', JSON.stringify({ kind: 'response', id: b!.id, ok: true, result: 'info' }));
    sockets[0]!.fire('message', JSON.stringify({ kind: 'response', id: a!.id, ok: true, result: 'recent' }));
    expect(await first).toBe('recent');
    expect(await second).toBe('info');
  });

  it('throws_the_studio_error_of_a_failed_answer', async () => {
    const { transport, sockets } = setup();
    const call = transport.request('project.open', { path: '/x' });
    sockets[0]!.fire('open');
    await tick();
    sockets[0]!.fire('message', JSON.stringify({ kind: 'response', id: sockets[0]!.lastRequest().id, ok: false, error: { code: 'file-not-found', message: '/x does not exist.', hint: 'Check the path.' } }));
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).sentence).toBe('/x does not exist. Check the path.');
  });

  it('ignores_junk_and_fails_a_request_whose_answer_is_unreadable', async () => {
    const { transport, sockets } = setup();
    const call = transport.request('project.recent', {});
    sockets[0]!.fire('open');
    await tick();
    const id = sockets[0]!.lastRequest().id;
    sockets[0]!.fire('message', 'not json');
    sockets[0]!.fire('message', new Uint8Array([1]));
    sockets[0]!.fire('message', JSON.stringify({ kind: 'response', id, ok: 'maybe' }));
    await expect(call).rejects.toThrow(/answered project\.recent with a message this window cannot read/);
  });

  it('fails_pending_requests_with_a_sentence_when_the_socket_drops_and_reconnects_on_next_use', async () => {
    const { transport, sockets } = setup();
    const call = transport.request('project.recent', {});
    sockets[0]!.fire('open');
    await tick();
    sockets[0]!.fire('close');
    await expect(call).rejects.toThrow("The connection to the studio's services was lost.");
    const again = transport.request('project.recent', {});
    await tick();
    expect(sockets).toHaveLength(2);
    sockets[1]!.fire('open');
    await tick();
    sockets[1]!.fire('message', JSON.stringify({ kind: 'response', id: sockets[1]!.lastRequest().id, ok: true, result: 1 }));
    expect(await again).toBe(1);
  });

  it('says_so_when_the_server_cannot_be_reached', async () => {
    const { transport, sockets } = setup();
    const call = transport.request('app.info', {});
    sockets[0]!.fire('error');
    sockets[0]!.fire('close');
    await expect(call).rejects.toThrow("This page cannot reach the studio's services.");
  });

  it('delivers_events_and_reconnects_for_listeners_after_a_drop', async () => {
    const { transport, sockets } = setup();
    const seen: [string, unknown][] = [];
    const stop = transport.onEvent((event, payload) => seen.push([event, payload]));
    sockets[0]!.fire('open');
    sockets[0]!.fire('message', JSON.stringify({ kind: 'event', event: 'app.menuCommand', payload: { command: 'file.save' } }));
    expect(seen).toEqual([['app.menuCommand', { command: 'file.save' }]]);
    sockets[0]!.fire('close');
    await new Promise((r) => setTimeout(r, 10));
    expect(sockets).toHaveLength(2);
    stop();
  });
});
