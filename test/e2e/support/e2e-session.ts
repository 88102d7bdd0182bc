import { afterAll, beforeAll } from 'vitest';
import type { BrowserSession } from './browser-session';
import { launchBrowser } from './browser-session';
import type { ChromiumLookup } from './chromium';
import { findChromium } from './chromium';
import type { ServeProcess } from './serve-process';
import { startServeProcess } from './serve-process';

/** The Chromium this run uses, looked up once; when absent, the reason is printed once. */
export const CHROMIUM: ChromiumLookup = findChromium();
if (!CHROMIUM.found) console.warn(`End-to-end tests skipped: ${CHROMIUM.reason}.`);

/** True when the e2e tests cannot run here (use with `describe.skipIf`). */
export const NO_CHROMIUM = !CHROMIUM.found;

export interface E2eSession {
  server: ServeProcess;
  browser: BrowserSession;
}

/**
 * Registers hooks that start `cnn-studio serve` and Chromium before a file's tests and stop both
 * after them; the returned getter gives the running pair.
 */
export function useStudioSession(options: { serveArgs?: string[] } = {}): () => E2eSession {
  let session: E2eSession | null = null;
  beforeAll(async () => {
    if (!CHROMIUM.found) throw new Error(`No Chromium: ${CHROMIUM.reason}`);
    const server = await startServeProcess({ args: options.serveArgs ?? [] });
    try {
      session = { server, browser: await launchBrowser(CHROMIUM.path) };
    } catch (error) {
      await server.stop();
      throw error;
    }
  });
  afterAll(async () => {
    await session?.browser.close();
    await session?.server.stop();
    session = null;
  });
  return () => {
    if (!session) throw new Error('The e2e session is not running (beforeAll failed).');
    return session;
  };
}
