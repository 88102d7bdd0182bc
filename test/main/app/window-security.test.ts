import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_CONTENT_SECURITY_POLICY, withContentSecurityPolicy } from '../../../src/main/app/content-security-policy';
import type { GuardedContents, NavigationEvent } from '../../../src/main/app/window-security';
import { allowPermission, guardNavigation, handleWindowOpen, isAppUrl, isTrustedSender } from '../../../src/main/app/window-security';
import { IPC_CHANNEL_PREFIX, IPC_CHANNELS } from '../../../src/shared/api/bridge';
import { contentSecurityPolicy, contentSecurityPolicyDirectives } from '../../../src/shared/api/content-security-policy';

const APP = 'file:///opt/cnn-studio/resources/app.asar/out/renderer/index.html';

/** A stand-in for WebContents that records the guards installed on it. */
function fakeContents() {
  const listeners = new Map<string, ((event: NavigationEvent, url?: string) => void)[]>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const contents: GuardedContents = {
    on(event: string, listener: (event: NavigationEvent, url?: string) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  const fire = (event: string, url: string) => {
    let prevented = false;
    for (const l of listeners.get(event) ?? []) l({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

describe('navigation and new windows', () => {
  it('blocks_every_navigation_away_from_the_app_page', () => {
    const opened: string[] = [];
    const { contents, fire } = fakeContents();
    guardNavigation(contents, APP, (u) => opened.push(u));
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(fire(event, 'https://evil.example/phish'), event).toBe(true);
      expect(fire(event, 'file:///etc/passwd'), event).toBe(true);
      expect(fire(event, 'javascript:alert(1)'), event).toBe(true);
      expect(fire(event, `${APP}?reload=1#top`), event).toBe(false);
    }
    expect(fire('will-attach-webview', 'about:blank')).toBe(true);
    // An https link leaves for the system browser; nothing else does.
    expect(opened).toEqual(['https://evil.example/phish', 'https://evil.example/phish', 'https://evil.example/phish']);
  });

  it('denies_window_open_and_sends_only_https_links_to_the_system_browser', () => {
    const opened: string[] = [];
    const { contents, open } = fakeContents();
    guardNavigation(contents, APP, (u) => opened.push(u));
    expect(open('https://arxiv.org/abs/1512.03385')).toEqual({ action: 'deny' });
    expect(open(APP)).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('http://insecure.example')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://arxiv.org/abs/1512.03385']);
    expect(handleWindowOpen('smb://share/x', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(opened).toHaveLength(1);
  });

  it('recognises_the_app_page_and_the_dev_server', () => {
    expect(isAppUrl(`${APP}#x`, APP)).toBe(true);
    expect(isAppUrl('file:///opt/other/index.html', APP)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.ts', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
    expect(isAppUrl(null, APP)).toBe(false);
  });
});

describe('permissions and ipc senders', () => {
  it('denies_every_permission_but_the_clipboard_of_the_app_page', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fileSystem', 'usb', 'serial', 'hid', 'midi', 'unknown']) {
      expect(allowPermission(permission, APP, APP), permission).toBe(false);
    }
    expect(allowPermission('clipboard-sanitized-write', APP, APP)).toBe(true);
    expect(allowPermission('clipboard-read', 'https://evil.example', APP)).toBe(false);
    expect(allowPermission('clipboard-read', undefined, APP)).toBe(false);
  });

  it('trusts_only_the_main_frame_of_the_app_page', () => {
    expect(isTrustedSender({ url: APP, parent: null }, APP)).toBe(true);
    expect(isTrustedSender({ url: APP, parent: {} }, APP)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example', parent: null }, APP)).toBe(false);
    expect(isTrustedSender(null, APP)).toBe(false);
    expect(Object.values(IPC_CHANNELS).every((c) => c.startsWith(IPC_CHANNEL_PREFIX))).toBe(true);
  });
});

describe('content security policy', () => {
  it('allows_scripts_only_from_the_app_and_nothing_else_by_default', () => {
    const directives = Object.fromEntries(contentSecurityPolicyDirectives());
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(ELECTRON_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
  });

  it('replaces_any_policy_a_response_brings_whatever_its_spelling', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [ELECTRON_CONTENT_SECURITY_POLICY] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [ELECTRON_CONTENT_SECURITY_POLICY] });
  });

  it('is_the_same_policy_in_the_pages_meta_tag', () => {
    const html = readFileSync(join(import.meta.dirname, '../../../src/renderer/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(contentSecurityPolicy({ forMetaTag: true }));
    expect(html).not.toMatch(/<script(?![^>]*type="module" src=)/);
  });
});
