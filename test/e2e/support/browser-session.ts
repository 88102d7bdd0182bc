import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { artifactPath } from './artifacts';
import { CHROMIUM_ARGS } from './chromium';

export interface BrowserSession {
  context: BrowserContext;
  /** A new page that records console errors and uncaught page errors. */
  newPage(): Promise<StudioPage>;
  close(): Promise<void>;
}

export interface StudioPage {
  page: Page;
  /** Console messages of type error, and uncaught exceptions, in order. */
  errors: string[];
  /** Saves a full-page screenshot under test-artifacts/e2e and returns its path. */
  screenshot(name: string): Promise<string>;
}

/** Launches Chromium (never downloaded: the given executable) with a fresh, throw-away profile. */
export async function launchBrowser(executablePath: string): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), 'cnn-studio-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url || 'page'})`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      return {
        page,
        errors,
        async screenshot(name) {
          const path = await artifactPath(name.endsWith('.png') ? name : `${name}.png`);
          await page.screenshot({ path, fullPage: true });
          return path;
        },
      };
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
