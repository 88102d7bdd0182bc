import { contentSecurityPolicy } from '../../shared/api/content-security-policy';

/**
 * Headers on every answer of browser mode: the Content-Security-Policy (with this server's own
 * WebSocket), no sniffing, no framing, no referrer (the first URL carries the token), isolated
 * from other origins' windows and readers, and nothing cached that a token guarded.
 */
export function securityHeaders(host: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy({ connectSources: [`ws://${host}`] }),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=()',
    'Cache-Control': 'no-store',
  };
}
