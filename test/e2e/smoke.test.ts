import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_CHROMIUM, useStudioSession } from './support/e2e-session';
import { REPO_ROOT } from './support/serve-process';

const SAMPLE = join(REPO_ROOT, 'resources', 'samples', 'lenet5-fashion.cnnstudio');
const sampleNodes = (JSON.parse(readFileSync(SAMPLE, 'utf8')) as { nodes: unknown[] }).nodes.length;

describe.skipIf(NO_CHROMIUM)('browser mode smoke test (cnn-studio serve in Chromium)', () => {
  const session = useStudioSession({ serveArgs: ['--open-project', SAMPLE] });

  it('loads_the_sample_project_without_console_errors', async () => {
    const { server, browser } = session();
    const studio = await browser.newPage();
    const response = await studio.page.goto(server.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    // The startup project reaches the canvas through app.info and project.open over the WebSocket.
    await studio.page.locator('.vue-flow__node').nth(sampleNodes - 1).waitFor({ timeout: 30_000 });
    expect(await studio.page.locator('.vue-flow__node').count()).toBe(sampleNodes);
    await studio.screenshot('smoke-sample-loaded');
    expect(studio.errors).toEqual([]);
    await studio.page.close();
  });

  it('answers_the_api_over_the_websocket_with_the_cookie_the_first_visit_set', async () => {
    const { server, browser } = session();
    const studio = await browser.newPage();
    await studio.page.goto(server.url);
    // A plain page script: the token is not in this URL; the HttpOnly cookie alone authenticates.
    const answer = await studio.page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          // Runs in the page; this file is typed for Node, so the page's globals are named by hand.
          const page = globalThis as unknown as { location: { host: string } };
          const ws = new WebSocket(`ws://${page.location.host}/api`);
          ws.onopen = () => ws.send(JSON.stringify({ kind: 'request', id: 7, method: 'app.info', params: {} }));
          ws.onmessage = (event) => {
            resolve(JSON.parse(String(event.data)));
            ws.close();
          };
          ws.onerror = () => reject(new Error('WebSocket refused'));
        }),
    );
    expect(answer).toMatchObject({ kind: 'response', id: 7, ok: true, result: { mode: 'browser', nativeDialogs: false, startupProjectPath: SAMPLE } });
    // HttpOnly: the page's scripts cannot read the token.
    expect(await studio.page.evaluate('document.cookie')).toBe('');
    expect(studio.errors).toEqual([]);
    await studio.page.close();
  });

  it('refuses_a_wrong_token_with_403_and_no_token_with_401', async () => {
    const { server, browser } = session();
    const fresh = await browser.context.browser()?.newContext();
    const page = fresh ? await fresh.newPage() : (await browser.newPage()).page;
    const wrong = await page.goto(`${server.origin}/?token=${'0'.repeat(48)}`);
    expect(wrong?.status()).toBe(403);
    await page.context().clearCookies();
    const none = await page.goto(`${server.origin}/`);
    expect(none?.status()).toBe(401);
    expect(server.stderr()).toMatch(/Refused GET \/ from .*token .*wrong \(403\)/);
    expect(server.stderr()).toMatch(/Refused GET \/ from .*no token \(401\)/);
    expect(server.stderr()).not.toContain(server.token);
    await page.close();
    await fresh?.close();
  });

  it('stops_cleanly_on_ctrl_c', async () => {
    const { server } = session();
    expect(await server.stop()).toBe(0);
  });
});
