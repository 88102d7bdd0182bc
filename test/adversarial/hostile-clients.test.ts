import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokensMatch } from '../../src/main/server/access-token';
import { CLOSE } from '../../src/main/server/api-socket';
import type { ServerFixture } from '../main/server/server-fixtures';
import { ask, closeCode, INDEX_HTML, openSocket, rawRequest, refusedStatus, SECRET, startTestServer } from '../main/server/server-fixtures';
import type { Tally } from './support/figures';
import { noteExample, noteMeasurement, tallyOf } from './support/figures';

/**
 * Hostile clients of browser mode (issue 15), generated in bulk on top of the server's own tests
 * (test/main/server, counted in the figures too): no token, wrong tokens, a token leaked in a
 * Referer, path traversal in every encoding, foreign Host and Origin headers, WebSockets from other
 * sites, oversized and malformed messages, a flood of connections. Each must be refused with the
 * right status and logged; nothing outside the bundle may be read; the real client is served throughout.
 */

let f: ServerFixture;
let port: number;
let token: string;

// A fresh server per test: its refusal log is rate-limited (a flood is summarised), so each test
// sees its own refusals logged.
beforeEach(async () => {
  f = await startTestServer({ maxMessageBytes: 256 * 1024 });
  ({ port, token } = f.server);
});
afterEach(() => f.close());

/** An unauthorised request: counted, its status checked, and "served" when it got the page or a secret. */
function judge(tally: Tally, what: string, response: { status: number; body: string }, allowed: number[]): void {
  tally.cases += 1;
  const served = response.status === 200 || response.body.includes(INDEX_HTML) || response.body.includes(SECRET) || /root:.*:0:0:/.test(response.body);
  if (served) {
    tally.unauthorisedServed += 1;
    noteExample(tally, `${what} was served (${response.status})`);
  } else if (!allowed.includes(response.status)) {
    tally.unclear += 1;
    noteExample(tally, `${what} got ${response.status}, expected ${allowed.join(' or ')}`);
  }
}

/** The real client still gets the page and an api answer. */
async function realClientServed(tally: Tally, when: string): Promise<void> {
  const page = await rawRequest(port, `/?token=${token}`);
  const ws = await openSocket(port, { token, headers: { Origin: `http://127.0.0.1:${port}` } });
  const answer = (await ask(ws, 'project.recent', {}, 1)) as { ok?: boolean };
  ws.close();
  if (page.status !== 200 || page.body !== INDEX_HTML || answer.ok !== true) {
    tally.crashes += 1;
    noteExample(tally, `the real client was not served ${when}`);
  }
}

/** One raw exchange on a TCP socket (for requests no HTTP client would send); resolves with what came back. */
function rawExchange(data: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.setTimeout(waitMs, () => socket.destroy());
    socket.write(data);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

describe('hostile clients of browser mode', () => {
  it('requests_without_the_right_token_are_refused_401_or_403', async (context) => {
    const tally = tallyOf(context, 'Hostile clients');
    const paths = ['/', '/index.html', '/assets/app.js', '/api', '/../secret.txt', '/assets/escape.txt'];
    for (const path of paths) for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']) judge(tally, `${method} ${path} without a token`, await rawRequest(port, path, { method }), [401]);
    const wrong = [
      '',
      'x',
      token.slice(0, -1),
      `${token}0`,
      `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`,
      token.toUpperCase(),
      `${token.slice(0, 24)}`,
      'a'.repeat(48),
      'a'.repeat(4096),
      ...Array.from({ length: 48 }, (_, i) => `${token.slice(0, i)}${token[i] === 'f' ? 'e' : 'f'}${token.slice(i + 1)}`),
    ];
    judge(tally, 'the token after a space in the query', await rawRequest(port, `/?token=%20${token}`), [403]);
    for (const bad of wrong) {
      const query = await rawRequest(port, `/?token=${encodeURIComponent(bad)}`);
      judge(tally, `a wrong token in the query (${bad.slice(0, 12)}…)`, query, bad === '' ? [401] : [403]);
      judge(tally, 'a wrong token in the Authorization header', await rawRequest(port, '/', { headers: { Authorization: `token ${bad || 'none'}` } }), [403]);
      judge(tally, 'a wrong token in the cookie', await rawRequest(port, '/', { headers: { Cookie: `cnn-studio-token-${port}=${bad || 'none'}` } }), [403]);
    }
    judge(tally, 'the token in a cookie named for another port', await rawRequest(port, '/', { headers: { Cookie: `cnn-studio-token-${port + 1}=${token}` } }), [401]);
    for (const referer of [`http://127.0.0.1:${port}/?token=${token}`, `http://evil.example/?token=${token}`, `https://evil.example/page#token=${token}`]) {
      judge(tally, `the token only in a Referer (${referer.slice(0, 30)})`, await rawRequest(port, '/', { headers: { Referer: referer } }), [401]);
    }
    expect(f.logged.join('\n')).not.toContain(token);
    expect(tally.unauthorisedServed + tally.unclear, tally.examples.join('\n')).toBe(0);
    await realClientServed(tally, 'after the wrong tokens');
  });

  it('the_token_is_compared_in_constant_time', async (context) => {
    // Measured, not asserted (timing is the benchmarks' business): a mismatch in the first or the
    // last character takes the same time, as both sides are hashed before timingSafeEqual.
    const tally = tallyOf(context, 'Hostile clients');
    const early = `x${token.slice(1)}`;
    const late = `${token.slice(0, -1)}x`;
    const time = (candidate: string) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20_000; i++) tokensMatch(candidate, token);
      return Number(process.hrtime.bigint() - started) / 20_000;
    };
    time(early);
    const a = time(early);
    const b = time(late);
    tally.cases += 2;
    expect(tokensMatch(early, token) || tokensMatch(late, token)).toBe(false);
    noteMeasurement(tally, `token comparison: ${a.toFixed(0)} ns with the first character wrong, ${b.toFixed(0)} ns with the last wrong (ratio ${(a / b).toFixed(2)})`);
  });

  it('never_serves_a_file_outside_the_bundle_whatever_the_encoding', async (context) => {
    const tally = tallyOf(context, 'Hostile clients');
    const secretPath = `${f.dir}/secret.txt`;
    const traversals = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/%252e%252e/secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/..%5csecret.txt',
      '/..%5c..%5csecret.txt',
      '/%c0%ae%c0%ae/secret.txt',
      '/%e0%80%ae%e0%80%ae/secret.txt',
      '/%ef%bc%8e%ef%bc%8e/secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/./../secret.txt',
      '/.%2e/secret.txt',
      '/%2e./secret.txt',
      '/..;/secret.txt',
      '/.../secret.txt',
      '//etc/passwd',
      '/etc/passwd',
      '/%2fetc%2fpasswd',
      `/${secretPath}`,
      `/${encodeURIComponent(secretPath)}`,
      `/file:${secretPath}`,
      '/assets/escape.txt',
      '/assets/escape.txt%00.js',
      '/%00',
      '/index.html%00.txt',
      '/assets/%',
      '/assets/%zz',
      `/${'../'.repeat(40)}etc/passwd`,
      `/${'a/'.repeat(2000)}`,
      '/proc/self/environ',
      '/..%00/secret.txt',
      '/%u002e%u002e/secret.txt',
    ];
    for (const path of traversals) {
      for (const method of ['GET', 'HEAD']) judge(tally, `${method} ${path.slice(0, 60)} with the token`, await rawRequest(port, `${path}?token=${token}`, { method }), [400, 403, 404, 431]);
    }
    // Request targets no browser sends, on a raw socket.
    for (const target of ['../secret.txt', '*', `http://127.0.0.1:${port}/../secret.txt`, `/..\\secret.txt`, '/ HTTP/1.1\r\nX: y']) {
      const raw = await rawExchange(`GET ${target}?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      // The last one smuggles a header line into the target: what is left is a request without the token.
      judge(tally, `raw request target ${JSON.stringify(target)}`, { status: statusOf(raw), body: raw }, [400, 401, 403, 404]);
    }
    expect(f.logged.some((l) => l.includes('the path climbs out of the app with ..'))).toBe(true);
    expect(tally.unauthorisedServed + tally.unclear, tally.examples.join('\n')).toBe(0);
    await realClientServed(tally, 'after the traversals');
  });

  it('refuses_foreign_hosts_and_origins_over_http_and_websocket', async (context) => {
    const tally = tallyOf(context, 'Hostile clients');
    const hosts = ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, `localhost.:${port}`, `0.0.0.0:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1:${port}@evil.example`, `127.0.0.1:${port}, evil.example`, `192.168.1.10:${port}`];
    for (const host of hosts) {
      judge(tally, `Host ${JSON.stringify(host)} with the token (DNS rebinding)`, await rawRequest(port, `/?token=${token}`, { headers: { Host: host } }), [400, 403]);
      const status = await refusedStatus(port, { token, headers: { Host: host } });
      judge(tally, `a WebSocket with Host ${JSON.stringify(host)}`, { status: status === 101 ? 200 : status, body: '' }, [400, 403, -1]);
    }
    // An empty or missing Host (Node's client would fill one in): on a raw socket.
    for (const request of [`GET /?token=${token} HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n`, `GET /?token=${token} HTTP/1.0\r\n\r\n`]) {
      const raw = await rawExchange(request);
      judge(tally, `an empty or missing Host (${JSON.stringify(request.slice(-30))})`, { status: statusOf(raw), body: raw }, [400, 403]);
    }
    const origins = ['http://evil.example', 'null', `http://127.0.0.1:${port}.evil.example`, `http://localhost:${port + 1}`, `https://127.0.0.1:${port}`, 'file://', `http://127.0.0.1:${port}/`, 'chrome-extension://abc'];
    for (const origin of origins) {
      judge(tally, `Origin ${origin} with the token`, await rawRequest(port, `/?token=${token}`, { headers: { Origin: origin } }), [403]);
      const status = await refusedStatus(port, { token, headers: { Origin: origin } });
      judge(tally, `a WebSocket from Origin ${origin}`, { status: status === 101 ? 200 : status, body: '' }, [403]);
    }
    for (const [site, mode] of [
      ['cross-site', 'no-cors'],
      ['cross-site', 'cors'],
      ['same-site', 'no-cors'],
      ['cross-site', 'websocket'],
    ] as const) {
      judge(tally, `Sec-Fetch-Site ${site} / ${mode}`, await rawRequest(port, `/assets/app.js?token=${token}`, { headers: { 'Sec-Fetch-Site': site, 'Sec-Fetch-Mode': mode } }), [403]);
    }
    expect(f.logged.some((l) => /the Host header .* is not this server's address \(WebSocket\)/.test(l))).toBe(true);
    expect(tally.unauthorisedServed + tally.unclear, tally.examples.join('\n')).toBe(0);
    await realClientServed(tally, 'after the foreign hosts and origins');
  });

  it('survives_oversized_and_malformed_messages', async (context) => {
    const tally = tallyOf(context, 'Hostile clients');
    // An oversized header block: refused before any handler runs.
    const big = await rawExchange(`GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    judge(tally, 'a 64 KB header', { status: statusOf(big), body: big }, [431, 400]);
    for (const junk of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', '\u0000\u0001\u0002\r\n\r\n', `GET / HTTP/9.9\r\nHost: 127.0.0.1:${port}\r\n\r\n`, `GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: -1\r\n\r\n`, `GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`]) {
      const raw = await rawExchange(junk);
      judge(tally, `malformed HTTP ${JSON.stringify(junk.slice(0, 30))}`, { status: statusOf(raw), body: raw }, [400, 403, 505, 0]);
    }
    // Over the WebSocket: each socket must end or answer, and the server go on.
    const tooBig = await openSocket(port, { token });
    const tooBigClosed = closeCode(tooBig);
    tooBig.send(JSON.stringify({ kind: 'request', id: 1, method: 'project.recent', params: { pad: 'x'.repeat(300 * 1024) } }));
    tally.cases += 1;
    if ((await tooBigClosed) !== CLOSE.tooBig) tally.unclear += 1;
    const ws = await openSocket(port, { token });
    const malformed = [
      'not json',
      '{"kind":"request"',
      '[]',
      'null',
      '{"__proto__":{"polluted":true},"kind":"request","id":2,"method":"project.recent","params":{}}',
      JSON.stringify({ kind: 'request', id: 1e300, method: 'project.recent', params: {} }),
      JSON.stringify({ kind: 'request', id: -1, method: 'project.recent', params: {} }),
      JSON.stringify({ kind: 'request', id: 3, method: '__proto__', params: {} }),
      JSON.stringify({ kind: 'request', id: 4, method: 'constructor', params: {} }),
      JSON.stringify({ kind: 'request', id: 5, method: 'project.open', params: { path: '../../../../etc/passwd' } }),
      JSON.stringify({ kind: 'request', id: 6, method: 'project.open', params: { path: 'x'.repeat(5000) } }),
      JSON.stringify({ kind: 'request', id: 7, method: 'project.save', params: { path: '/etc/cron.d/evil', project: { format: 'x' } } }),
      `{"kind":"request","id":8,"method":"project.recent","params":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
      JSON.stringify({ kind: 'request', id: 9, method: 'project.autosave', params: { key: '../../../.bashrc', path: null, project: { nested: 'x' } } }),
    ];
    const answered: unknown[] = [];
    ws.on('message', (data) => answered.push(JSON.parse(data.toString())));
    for (const message of malformed) ws.send(message);
    tally.cases += malformed.length;
    const reply = (await ask(ws, 'project.recent', {}, 99)) as { ok?: boolean };
    if (reply.ok !== true) {
      tally.crashes += 1;
      noteExample(tally, 'the socket stopped answering after malformed messages');
    }
    if (({} as Record<string, unknown>).polluted !== undefined) {
      tally.crashes += 1;
      noteExample(tally, 'a message polluted Object.prototype');
    }
    const leaked = answered.filter((a) => JSON.stringify(a).includes(SECRET) || /root:.*:0:0:/.test(JSON.stringify(a)) || /\n\s+at /.test(JSON.stringify(a)));
    if (leaked.length) {
      tally.unauthorisedServed += leaked.length;
      noteExample(tally, `answers leaked a file or a stack: ${JSON.stringify(leaked).slice(0, 300)}`);
    }
    ws.close();
    const binary = await openSocket(port, { token });
    const binaryClosed = closeCode(binary);
    binary.send(Buffer.from([0, 1, 2, 3]));
    tally.cases += 1;
    if ((await binaryClosed) !== CLOSE.unsupportedData) tally.unclear += 1;
    expect(tally.crashes + tally.unclear + tally.unauthorisedServed, tally.examples.join('\n')).toBe(0);
    await realClientServed(tally, 'after the malformed messages');
  });

  it('keeps_serving_the_real_client_through_a_flood_of_connections', async (context) => {
    const tally = tallyOf(context, 'Hostile clients');
    const client = await openSocket(port, { token, headers: { Origin: `http://127.0.0.1:${port}` } });
    // Half-open connections that never finish their headers (slowloris), and a burst of refused requests and upgrades.
    const slow = Array.from({ length: 100 }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
      return socket;
    });
    const started = performance.now();
    const flood = await Promise.all([
      ...Array.from({ length: 400 }, (_, i) => rawRequest(port, i % 3 === 0 ? '/' : i % 3 === 1 ? '/?token=bad' : `/../secret.txt?token=bad`).then((r) => r, () => ({ status: -1, body: '' }))),
      ...Array.from({ length: 100 }, () => refusedStatus(port, { token: 'bad' }).then((status) => ({ status, body: '' }))),
    ]);
    for (const [i, response] of flood.entries()) judge(tally, `flood request ${i}`, response, [401, 403, -1]);
    const answer = (await ask(client, 'project.recent', {}, 1)) as { ok?: boolean };
    const page = await rawRequest(port, `/?token=${token}`);
    const seconds = (performance.now() - started) / 1000;
    tally.cases += slow.length;
    if (answer.ok !== true || page.status !== 200) {
      tally.crashes += 1;
      noteExample(tally, 'the real client was not served during the flood');
    }
    for (const socket of slow) socket.destroy();
    client.close();
    noteMeasurement(tally, `a flood of ${flood.length} refused requests and ${slow.length} half-open connections: the real client was answered after ${seconds.toFixed(1)} s; ${f.logged.filter((l) => l.startsWith('Refused')).length} refusal lines logged in all, the rest summarised`);
    expect(tally.crashes + tally.unauthorisedServed + tally.unclear, tally.examples.join('\n')).toBe(0);
  });
});
