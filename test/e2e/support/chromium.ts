import { accessSync, constants } from 'node:fs';

/** Where the e2e tests look for Chromium: `CNN_STUDIO_CHROMIUM` if set, else Debian's package. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The flags of every run: headless, and nothing that reaches the network or the GPU. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export type ChromiumLookup = { found: true; path: string } | { found: false; reason: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The installed Chromium, or why the e2e tests cannot run (they never download a browser). */
export function findChromium(env: Record<string, string | undefined> = process.env): ChromiumLookup {
  const chosen = env.CNN_STUDIO_CHROMIUM?.trim();
  if (chosen) return executable(chosen) ? { found: true, path: chosen } : { found: false, reason: `CNN_STUDIO_CHROMIUM is ${chosen}, which is not an executable file` };
  const path = CHROMIUM_CANDIDATES.find(executable);
  if (path) return { found: true, path };
  return { found: false, reason: `no Chromium at ${CHROMIUM_CANDIDATES.join(' or ')} (install Debian's chromium package, or set CNN_STUDIO_CHROMIUM)` };
}
