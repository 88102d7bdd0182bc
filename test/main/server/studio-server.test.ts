import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortInUse, startStudioServer } from '../../../src/main/server/studio-server';
import { CLOSE } from '../../../src/main/server/api-socket';
import { StudioError } from '../../../src/shared/errors';
import type { ServerFixture } from './server-fixtures';
import { ask, closeCode, INDEX_HTML, openSocket, rawRequest, refusedStatus, SECRET, startTestServer } from './server-fixtures';

let f: ServerFixture;
let port: number;
let token: string;
beforeAll(async () => {
  f = await startTestServer();
  ({ port, token } = f.server);
});
afterAll(() => f.close());

describe('browser mode server: HTTP', () => {
  it('prints_a_loopback_url_with_the_token', () => {
    expect(f.server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(f.server.host).toBe('127.0.0.1');
    expect(token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses_a_request_without_the_token_with_401_and_a_wrong_one_with_403', async () => {
    const none = await rawRequest(port, '/');
    expect(none.status).toBe(401);
    expect(none.body).not.toContain(INDEX_HTML);
    expect((await rawRequest(port, '/?token=0123')).status).toBe(403);
    expect((await rawRequest(port, `/?token=${token.slice(0, -1)}x`)).status).toBe(403);
    expect((await rawRequest(port, '/', { headers: { Authorization: 'token wrong' } })).status).toBe(403);
  });

  it('serves_the_page_with_the_token_and_sets_an_httponly_strict_cookie', async () => {
    const page = await rawRequest(port, `/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX_HTML);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['set-cookie']).toEqual([`cnn-studio-token-${port}=${token}; Path=/; HttpOnly; SameSite=Strict`]);
    const withCookie = await rawRequest(port, '/assets/app.js', { headers: { Cookie: `cnn-studio-token-${port}=${token}` } });
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(withCookie.headers['set-cookie']).toBeUndefined();
    expect((await rawRequest(port, '/assets/app.js', { headers: { Authorization: `token ${token}` } })).status).toBe(200);
  });

  it('sends_the_security_headers_on_every_answer', async () => {
    for (const response of [await rawRequest(port, `/?token=${token}`), await rawRequest(port, '/')]) {
      expect(response.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
      expect(response.headers['content-security-policy']).toContain("script-src 'self';");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('refuses_a_token_leaked_in_a_referer', async () => {
    const response = await rawRequest(port, '/', { headers: { Referer: `http://127.0.0.1:${port}/?token=${token}` } });
    expect(response.status).toBe(401);
  });

  it('refuses_a_foreign_host_header_even_with_the_token (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'evil.example']) {
      expect((await rawRequest(port, `/?token=${token}`, { headers: { Host: host } })).status, host).toBe(403);
    }
    expect((await rawRequest(port, `/?token=${token}`, { headers: { Host: `localhost:${port}` } })).status).toBe(200);
  });

  it('refuses_requests_from_another_origin_even_with_the_token', async () => {
    expect((await rawRequest(port, `/?token=${token}`, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await rawRequest(port, `/assets/app.js?token=${token}`, { headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' } })).status).toBe(403);
    expect((await rawRequest(port, `/?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } })).status).toBe(200);
  });

  it.each([
    '/../secret.txt',
    '/../../../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/escape.txt',
    '//etc/passwd',
    '/etc/passwd',
    '/%00',
  ])('never_serves_a_file_outside_the_bundle: %s', async (path) => {
    const response = await rawRequest(port, `${path}?token=${token}`);
    expect([400, 403, 404]).toContain(response.status);
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toMatch(/root:.*:0:0:/);
  });

  it('refuses_an_absolute_form_request_target', async () => {
    const response = await rawRequest(port, `http://127.0.0.1:${port}/../secret.txt?token=${token}`);
    expect(response.status).toBe(400);
    expect(response.body).not.toContain(SECRET);
  });

  it('logs_each_refusal_without_the_token', async () => {
    await rawRequest(port, '/../secret.txt?token=' + token);
    const log = f.logged.join('\n');
    expect(log).toMatch(/Refused GET \/\.\.\/secret\.txt from 127\.0\.0\.1:\d+: the path climbs out of the app with \.\. \(403\)\./);
    expect(log).toMatch(/Refused GET \/ from 127\.0\.0\.1:\d+: it has no token \(401\)\./);
    expect(log).toMatch(/Host header "evil\.example:\d+" is not this server's address \(403\)/);
    expect(log).not.toContain(token);
  });

  it('serves_only_get_and_head', async () => {
    expect((await rawRequest(port, `/?token=${token}`, { method: 'POST' })).status).toBe(405);
    expect((await rawRequest(port, `/?token=${token}`, { method: 'DELETE' })).status).toBe(405);
    const head = await rawRequest(port, `/?token=${token}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(INDEX_HTML.length));
  });

  it('tells_a_plain_request_to_the_api_path_to_upgrade', async () => {
    expect((await rawRequest(port, `/api?token=${token}`)).status).toBe(426);
  });
});

describe('browser mode server: WebSocket api', () => {
  it('answers_requests_from_a_page_with_the_token', async () => {
    const ws = await openSocket(port, { token, headers: { Origin: `http://127.0.0.1:${port}` } });
    expect(await ask(ws, 'project.recent', {}, 1)).toEqual({ kind: 'response', id: 1, ok: true, result: { paths: [] } });
    expect(await ask(ws, 'app.info', {}, 2)).toMatchObject({ ok: true, result: { mode: 'browser', nativeDialogs: false } });
    ws.close();
  });

  it('accepts_the_cookie_in_place_of_the_query_token', async () => {
    const ws = await openSocket(port, { headers: { Cookie: `cnn-studio-token-${port}=${token}` } });
    expect(await ask(ws, 'project.recent', {}, 1)).toMatchObject({ ok: true });
    ws.close();
  });

  it('refuses_upgrades_without_token_with_a_wrong_one_from_another_origin_or_host_or_path', async () => {
    expect(await refusedStatus(port, {})).toBe(401);
    expect(await refusedStatus(port, { token: 'wrong' })).toBe(403);
    expect(await refusedStatus(port, { token, headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await refusedStatus(port, { token, headers: { Origin: `http://localhost:${port + 1}` } })).toBe(403);
    expect(await refusedStatus(port, { token, headers: { Host: `rebind.example:${port}` } })).toBe(403);
    expect(await refusedStatus(port, { token, path: '/other' })).toBe(404);
  });

  it('logs_a_refused_upgrade', async () => {
    const own = await startTestServer();
    try {
      await refusedStatus(own.server.port, { token: own.server.token, headers: { Origin: 'http://evil.example' } });
      expect(own.logged).toEqual([expect.stringMatching(/^Refused GET \/api from 127\.0\.0\.1:\d+: it comes from another origin \(http:\/\/evil\.example\) \(WebSocket\) \(403\)\.$/)]);
    } finally {
      await own.close();
    }
  });

  it('survives_malformed_messages_and_keeps_answering', async () => {
    const ws = await openSocket(port, { token });
    for (const junk of ['not json', '{"kind":"request"', 'null', '[]', '{"id":"x"}', JSON.stringify({ kind: 'request', id: 5, method: 'nope', params: {} })]) ws.send(junk);
    expect(await ask(ws, 'project.recent', {}, 6)).toMatchObject({ id: 6, ok: true });
    expect(await ask(ws, 'project.open', { path: 7 }, 7)).toMatchObject({ id: 7, ok: false, error: { code: 'invalid-argument' } });
    ws.close();
  });

  it('closes_a_socket_that_keeps_sending_junk_or_sends_binary', async () => {
    const junk = await openSocket(port, { token });
    const junkClosed = closeCode(junk);
    for (let i = 0; i < 25; i++) junk.send('garbage');
    expect(await junkClosed).toBe(CLOSE.policyViolation);
    const binary = await openSocket(port, { token });
    const binaryClosed = closeCode(binary);
    binary.send(Buffer.from([1, 2, 3]));
    expect(await binaryClosed).toBe(CLOSE.unsupportedData);
  });
});

describe('browser mode server: limits', () => {
  it('closes_a_socket_whose_message_is_over_the_size_limit_and_goes_on', async () => {
    const small = await startTestServer({ maxMessageBytes: 1024 });
    try {
      const ws = await openSocket(small.server.port, { token: small.server.token });
      const closed = closeCode(ws);
      ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'project.recent', params: { pad: 'x'.repeat(4096) } }));
      expect(await closed).toBe(CLOSE.tooBig);
      const again = await openSocket(small.server.port, { token: small.server.token });
      expect(await ask(again, 'project.recent', {}, 2)).toMatchObject({ ok: true });
      again.close();
    } finally {
      await small.close();
    }
  });

  it('refuses_sockets_beyond_the_limit_with_503', async () => {
    const small = await startTestServer({ maxSockets: 2 });
    try {
      const a = await openSocket(small.server.port, { token: small.server.token });
      const b = await openSocket(small.server.port, { token: small.server.token });
      expect(await refusedStatus(small.server.port, { token: small.server.token })).toBe(503);
      a.close();
      await closeCode(a);
      await new Promise((r) => setTimeout(r, 50));
      const c = await openSocket(small.server.port, { token: small.server.token });
      expect(await ask(c, 'project.recent', {}, 1)).toMatchObject({ ok: true });
      b.close();
      c.close();
    } finally {
      await small.close();
    }
  });

  it('keeps_serving_the_real_client_through_a_flood_and_summarises_the_log', async () => {
    const client = await openSocket(port, { token });
    const before = f.logged.length;
    const flood = await Promise.all([
      ...Array.from({ length: 150 }, (_, i) => rawRequest(port, i % 2 ? '/' : '/?token=bad').then((r) => r.status)),
      ...Array.from({ length: 50 }, () => refusedStatus(port, { token: 'bad' })),
    ]);
    expect(flood.every((s) => s === 401 || s === 403)).toBe(true);
    expect(await ask(client, 'project.recent', {}, 99)).toMatchObject({ ok: true });
    expect((await rawRequest(port, `/?token=${token}`)).status).toBe(200);
    // 200 refusals, at most 20 lines per 10 s window.
    expect(f.logged.length - before).toBeLessThanOrEqual(21);
    client.close();
  });
});

describe('browser mode server: start and stop', () => {
  it('frees_the_port_and_closes_pages_when_it_stops', async () => {
    const own = await startTestServer();
    const ws = await openSocket(own.server.port, { token: own.server.token });
    const closed = closeCode(ws);
    await own.close();
    expect(await closed).toBe(CLOSE.goingAway);
    await expect(rawRequest(own.server.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says_in_a_sentence_that_a_port_is_taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const error = await startStudioServer({ rendererRoot: f.dir, handlers: f.handlers.handlers, port: taken }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StudioError);
      expect((error as StudioError).message).toBe(`Port ${taken} on 127.0.0.1 is already in use.`);
      expect(isPortInUse(error)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
