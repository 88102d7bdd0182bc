/**
 * The window's guards, as plain functions over the few members of Electron's objects they use, so a
 * Node test can drive them without Electron: navigation stays on the app's page, new windows are
 * refused, permissions are refused (bar the clipboard for the app's own page), and IPC is answered
 * only for the app's own page.
 */

/** True when `url` is the app's page (the same file, or the dev server's origin), whatever its query or hash. */
export function isAppUrl(url: string | undefined | null, appUrl: string): boolean {
  if (!url) return false;
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (target.protocol !== app.protocol) return false;
  if (app.protocol === 'file:') return target.pathname === app.pathname;
  // The dev server (electron-vite dev) serves the page and its modules from one origin.
  return target.origin === app.origin;
}

/** Links the user may follow outside the app: https only (no file:, no custom protocols). */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The parts of Electron's navigation events the guard reads. */
export interface NavigationEvent {
  preventDefault(): void;
  url?: string;
}

/** The members of `WebContents` the guards install themselves on. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: NavigationEvent, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Decides one navigation: true when it may go ahead. */
export function allowNavigation(url: string | undefined, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}

/** Handles `window.open` and target=_blank links: never a new window; https links go to the system browser. */
export function handleWindowOpen(url: string, openExternal: (url: string) => void): { action: 'deny' } {
  if (isExternalLink(url)) openExternal(url);
  return { action: 'deny' };
}

/**
 * Installs the navigation guards on a window's contents: any navigation away from the app's page is
 * cancelled (an https link opens in the system browser instead), new windows are refused, and
 * `<webview>` cannot be attached.
 */
export function guardNavigation(contents: GuardedContents, appUrl: string, openExternal: (url: string) => void): void {
  const guard = (event: NavigationEvent, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl;
    if (allowNavigation(url, appUrl)) return;
    event.preventDefault();
    if (url && isExternalLink(url)) openExternal(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => handleWindowOpen(url, openExternal));
}

/** Permissions the app's own page keeps: the clipboard, which copy/paste of layers uses. */
export const APP_PAGE_PERMISSIONS: readonly string[] = ['clipboard-read', 'clipboard-sanitized-write'];

/** Decides a permission request or check: refused, except the clipboard for the app's own page. */
export function allowPermission(permission: string, requestingUrl: string | undefined, appUrl: string): boolean {
  return APP_PAGE_PERMISSIONS.includes(permission) && isAppUrl(requestingUrl, appUrl);
}

/** True when an IPC message comes from the app's page in the window's main frame (not from an iframe or another page). */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, appUrl: string): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url, appUrl);
}
