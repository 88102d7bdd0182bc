import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/cli';
import { DEFAULT_PORT } from '../../../src/main/cli/commands/serve';
import { defaultAssetResolver } from '../../../src/main/services/resources/asset-resolver';
import { cli } from './cli-runner';

// The served page is the build in out/renderer (npm test builds before Vitest runs).
const SAMPLE = defaultAssetResolver().path('sampleProject');
let home: string;
const savedHome = process.env.CNN_STUDIO_HOME;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'cnn-serve-home-'));
  process.env.CNN_STUDIO_HOME = home;
});
afterAll(async () => {
  if (savedHome === undefined) delete process.env.CNN_STUDIO_HOME;
  else process.env.CNN_STUDIO_HOME = savedHome;
  await rm(home, { recursive: true, force: true });
});

/** Runs `cnn-studio serve ...` in-process until it prints its first line, then hands over the stop switch. */
async function serve(args: string[]) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  let printed: () => void = () => undefined;
  const firstLine = new Promise<void>((resolve) => (printed = resolve));
  const exit = runCli(['serve', ...args], {
    stdout: { write: (t: string) => ((stdout += t), printed()) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: process.cwd(),
    signal: controller.signal,
  });
  await Promise.race([firstLine, exit]);
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      controller.abort();
      return exit;
    },
  };
}

describe('cnn-studio serve', () => {
  it('prints_one_json_line_serves_the_page_and_stops_cleanly_on_ctrl_c', async () => {
    const run = await serve(['--port', '0', '--json', '--open-project', SAMPLE]);
    const info = JSON.parse(run.stdout()) as { url: string; port: number; host: string; token: string };
    expect(run.stdout().trim().split('\n')).toHaveLength(1);
    expect(info).toEqual({ url: `http://127.0.0.1:${info.port}/?token=${info.token}`, port: expect.any(Number), host: '127.0.0.1', token: expect.stringMatching(/^[0-9a-f]{48}$/) });
    expect(info.port).toBeGreaterThan(0);
    const page = await fetch(info.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"></div>');
    expect((await fetch(`http://127.0.0.1:${info.port}/`)).status).toBe(401);
    expect(await run.stop()).toBe(0);
    await expect(fetch(info.url)).rejects.toThrow();
  });

  it('prints_the_url_for_people', async () => {
    const run = await serve(['--port', '0']);
    expect(run.stdout()).toMatch(/^CNN Studio is running\. Open this URL in a browser \(it holds the access token\):\n\n {4}http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}\n\nPress Ctrl-C to stop\.\n$/);
    expect(await run.stop()).toBe(0);
    expect(run.stderr()).toBe('Stopped.\n');
  });

  it('moves_to_a_free_port_when_the_default_is_taken', async () => {
    const blocker = createServer();
    const blocked = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(DEFAULT_PORT, '127.0.0.1', () => resolve(true));
    });
    try {
      const run = await serve(['--json']);
      const { port } = JSON.parse(run.stdout()) as { port: number };
      // Taken by the blocker here, or by something else on this machine: either way not used.
      expect(port).not.toBe(DEFAULT_PORT);
      expect(await run.stop()).toBe(0);
    } finally {
      if (blocked) blocker.close();
    }
  });

  it('refuses_a_missing_project_file_before_listening', async () => {
    const r = await cli(['serve', '--port', '0', '--open-project', 'no-such.cnnstudio']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*no-such\.cnnstudio does not exist\. Check the path\.\n$/);
    expect(r.stdout).toBe('');
  });

  it('refuses_a_bad_port_and_an_address_that_is_not_this_machines', async () => {
    const port = await cli(['serve', '--port', '70000']);
    expect(port.code).toBe(1);
    expect(port.stderr).toBe('Error: --port is "70000", but it must be a whole number from 0 to 65535.\n');
    const host = await cli(['serve', '--port', '0', '--host', '203.0.113.7']);
    expect(host.code).toBe(1);
    expect(host.stderr).toMatch(/^Error: 203\.0\.113\.7 is not an address of this machine\. /);
  });

  it('is_listed_in_the_help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/serve\s+Run the studio in a web browser/);
    expect((await cli(['serve', '--help'])).stdout).toMatch(/--open-project FILE/);
  });
});
