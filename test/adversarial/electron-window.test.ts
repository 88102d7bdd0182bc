import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { withContentSecurityPolicy } from '../../src/main/app/content-security-policy';
import type { GuardedContents, NavigationEvent } from '../../src/main/app/window-security';
import { allowPermission, guardNavigation, isTrustedSender } from '../../src/main/app/window-security';
import { defaultAssetResolver } from '../../src/main/services/resources/asset-resolver';
import { contentSecurityPolicyDirectives } from '../../src/shared/api/content-security-policy';
import type { Tally } from './support/figures';
import { noteExample, tallyOf } from './support/figures';

/**
 * The desktop window attacked from its page (issue 15): the window the app really creates is read
 * for its web preferences; the Content-Security-Policy is checked directive by directive, in the
 * session's header and the built page's meta tag, against a response that tries to relax it; and
 * navigations, new windows, webviews, permission requests and IPC from frames are tried with hostile
 * URLs. The guards' own tests are in test/main/app (counted in the figures too).
 */

type Listener = (...args: unknown[]) => unknown;
const fake = vi.hoisted(() => {
  const created: Record<string, unknown>[] = [];
  class BrowserWindow {
    constructor(options: Record<string, unknown>) {
      created.push(options);
    }
    on() {
      return this;
    }
    once() {
      return this;
    }
    maximize = () => undefined;
    setFullScreen = () => undefined;
  }
  return {
    created,
    electron: {
      BrowserWindow,
      dialog: { showMessageBox: async () => ({ response: 1 }) },
      nativeTheme: { shouldUseDarkColors: false },
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    },
  };
});
vi.mock('electron', () => fake.electron);

const { createMainWindow } = await import('../../src/main/app/main-window');

const assets = defaultAssetResolver();
const APP_URL = pathToFileURL(assets.path('rendererIndex')).href;

/** An allowed thing that should have been refused: a navigation, a window, a permission, a message. */
function refused(tally: Tally, what: string, allowed: boolean): void {
  tally.cases += 1;
  if (allowed) {
    tally.unauthorisedServed += 1;
    noteExample(tally, `${what} was allowed`);
  }
}

function guardedContents() {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const opened: string[] = [];
  const contents: GuardedContents = {
    on(event: string, listener: (event: NavigationEvent, url?: string) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as Listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  guardNavigation(contents, APP_URL, (url) => opened.push(url));
  const fire = (event: string, url: string | undefined) => {
    let prevented = false;
    for (const l of listeners.get(event) ?? []) l({ url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { fire, opened, open: (url: string) => openHandler!({ url }) };
}

const HOSTILE_URLS = [
  'https://evil.example/',
  'http://evil.example/',
  'http://127.0.0.1:8765/?token=x',
  'http://localhost:5173/',
  'javascript:alert(document.cookie)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  `${APP_URL}/../../../../etc/passwd`,
  APP_URL.replace('index.html', 'index%2ehtml'),
  APP_URL.replace('index.html', 'other.html'),
  'file://evil.example/share/index.html',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'about:blank',
  'blob:https://evil.example/1234',
  'view-source:file:///etc/passwd',
  'smb://evil.example/share',
  'ms-msdt:/id PCWDiagnostic',
  'vscode://file/etc/passwd',
  'mailto:someone@example.org',
  '',
  'not a url',
];

describe('the desktop window attacked from its page', () => {
  it('is_created_isolated_sandboxed_and_without_node', async (context) => {
    const tally = tallyOf(context, 'Electron window');
    await createMainWindow({
      state: { window: { read: async () => null, write: async () => undefined }, recovery: { discard: async () => undefined } } as never,
      preloadPath: assets.path('preload'),
      document: { title: 'CNN Studio', dirty: false, recoveryKey: null } as never,
      log: () => undefined,
      load: async () => undefined,
    });
    const prefs = fake.created.at(-1)!.webPreferences as Record<string, unknown>;
    const required: Record<string, unknown> = {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    };
    for (const [key, value] of Object.entries(required)) refused(tally, `webPreferences.${key} = ${String(prefs[key])}`, prefs[key] !== value);
    refused(tally, 'a preload outside the built app', prefs.preload !== assets.path('preload'));
    for (const risky of ['enableBlinkFeatures', 'additionalArguments', 'enableRemoteModule', 'disableBlinkFeatures']) refused(tally, `webPreferences.${risky}`, risky in prefs);
    expect(tally.unauthorisedServed, tally.examples.join('\n')).toBe(0);
  });

  it('keeps_its_content_security_policy_whatever_a_response_says', async (context) => {
    const tally = tallyOf(context, 'Electron window');
    const directives = new Map(contentSecurityPolicyDirectives());
    const sources = (name: string) => directives.get(name) ?? [];
    refused(tally, "default-src other than 'none'", sources('default-src').join() !== "'none'");
    refused(tally, "script-src other than 'self'", sources('script-src').join() !== "'self'");
    for (const [name, list] of directives) {
      refused(tally, `${name} with unsafe-eval`, list.includes("'unsafe-eval'"));
      refused(tally, `${name} allowing any host`, list.some((s) => s === '*' || s === 'http:' || s === 'https:'));
    }
    refused(tally, "object-src other than 'none'", sources('object-src').join() !== "'none'");
    refused(tally, "base-uri other than 'none'", sources('base-uri').join() !== "'none'");
    refused(tally, "form-action other than 'none'", sources('form-action').join() !== "'none'");
    refused(tally, "frame-ancestors other than 'none'", sources('frame-ancestors').join() !== "'none'");
    // A response that brings its own, relaxed policy (any spelling) gets the studio's instead.
    const ours = withContentSecurityPolicy({})['Content-Security-Policy'];
    // (A report-only policy enforces nothing, and a second enforced one could only restrict more.)
    for (const spelling of ['Content-Security-Policy', 'content-security-policy', 'CONTENT-SECURITY-POLICY', 'Content-security-policy']) {
      const headers = withContentSecurityPolicy({ [spelling]: ["script-src * 'unsafe-eval' 'unsafe-inline'"], 'Content-Type': ['text/html'] });
      const policies = Object.entries(headers).filter(([name]) => name.toLowerCase() === 'content-security-policy');
      refused(tally, `a response's own ${spelling}`, policies.length !== 1 || JSON.stringify(policies[0]![1]) !== JSON.stringify(ours) || JSON.stringify(headers).includes('unsafe-eval'));
    }
    // The built page carries the same policy in its meta tag (frame-ancestors cannot be in one).
    const page = await readFile(assets.path('rendererIndex'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)?.[1] ?? '';
    refused(tally, 'the page without the policy in a meta tag', !meta.includes("script-src 'self'") || meta.includes('unsafe-eval'));
    refused(tally, 'inline scripts in the built page', /<script(?![^>]*\bsrc=)[^>]*>/.test(page));
    expect(tally.unauthorisedServed, tally.examples.join('\n')).toBe(0);
  });

  it('blocks_navigation_new_windows_and_webviews', async (context) => {
    const tally = tallyOf(context, 'Electron window');
    const guard = guardedContents();
    for (const url of HOSTILE_URLS) {
      for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) refused(tally, `${event} to ${url || '(empty)'}`, !guard.fire(event, url));
      const answer = guard.open(url);
      refused(tally, `window.open(${url || '(empty)'})`, answer.action !== 'deny');
    }
    refused(tally, 'attaching a <webview>', !guard.fire('will-attach-webview', undefined));
    // Only https links leave, to the system browser; nothing else is handed to the system.
    const handed = guard.opened.filter((url) => !url.startsWith('https://'));
    refused(tally, `non-https links handed to the system (${handed.join(', ')})`, handed.length > 0);
    // The app's own page still navigates (a reload, its hash routes).
    tally.cases += 1;
    if (guard.fire('will-navigate', `${APP_URL}#/canvas`) || guard.fire('will-navigate', `${APP_URL}?project=x`)) {
      tally.crashes += 1;
      noteExample(tally, 'the app page itself was blocked');
    }
    expect(tally.unauthorisedServed + tally.crashes, tally.examples.join('\n')).toBe(0);
  });

  it('refuses_permissions_and_messages_from_anywhere_but_the_app_page', (context) => {
    const tally = tallyOf(context, 'Electron window');
    const permissions = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'hid', 'serial', 'usb', 'display-capture', 'idle-detection', 'storage-access', 'window-management', 'unknown'];
    for (const permission of permissions) {
      for (const url of [...HOSTILE_URLS, undefined]) refused(tally, `${permission} for ${url ?? '(no url)'}`, allowPermission(permission, url, APP_URL));
      const ownAllowed = allowPermission(permission, APP_URL, APP_URL);
      refused(tally, `${permission} for the app page`, ownAllowed && !permission.startsWith('clipboard'));
    }
    for (const url of HOSTILE_URLS) {
      refused(tally, `IPC from a page at ${url}`, isTrustedSender({ url, parent: null }, APP_URL));
      refused(tally, `IPC from an iframe at ${url}`, isTrustedSender({ url, parent: {} }, APP_URL));
    }
    refused(tally, 'IPC from an iframe of the app page', isTrustedSender({ url: APP_URL, parent: {} }, APP_URL));
    refused(tally, 'IPC without a frame', isTrustedSender(null, APP_URL));
    expect(tally.unauthorisedServed, tally.examples.join('\n')).toBe(0);
  });
});
