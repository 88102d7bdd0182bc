/**
 * The window's Content-Security-Policy, one text for Electron (session header and the page's meta
 * tag) and browser mode (HTTP header): scripts only from the app itself, no eval, no plugins, no
 * frames, no forms, no base-URL tricks. Styles allow inline because Vue Flow positions nodes and
 * edges with style attributes.
 */
export interface ContentSecurityPolicyOptions {
  /** Extra `connect-src` sources: browser mode adds its own `ws://host:port`. */
  connectSources?: readonly string[];
  /** A `<meta>` tag cannot carry `frame-ancestors` (Chromium warns), so it is left out there. */
  forMetaTag?: boolean;
}

/** The policy's directives in order, as `[name, sources]`. */
export function contentSecurityPolicyDirectives(options: ContentSecurityPolicyOptions = {}): [string, string[]][] {
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...(options.connectSources ?? [])]],
    ['worker-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  if (!options.forMetaTag) directives.push(['frame-ancestors', ["'none'"]]);
  return directives;
}

/** The policy as the header (or meta tag) value. */
export function contentSecurityPolicy(options: ContentSecurityPolicyOptions = {}): string {
  return contentSecurityPolicyDirectives(options)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}
