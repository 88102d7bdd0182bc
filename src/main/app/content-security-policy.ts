import { contentSecurityPolicy } from '../../shared/api/content-security-policy';

/** The desktop window's policy (the page also carries it in a meta tag; both say the same). */
export const ELECTRON_CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * Response headers with the policy added, replacing any the response had (header names are
 * case-insensitive, so every spelling of Content-Security-Policy goes).
 */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const kept = Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
  return { ...kept, 'Content-Security-Policy': [ELECTRON_CONTENT_SECURITY_POLICY] };
}
