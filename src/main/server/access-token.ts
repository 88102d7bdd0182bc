import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random token: 24 bytes as 48 hex characters (Jupyter's size). */
export function createAccessToken(): string {
  return randomBytes(24).toString('hex');
}

/**
 * Compares a presented token with the real one in constant time. Both are hashed first, so the
 * comparison takes the same time whatever the presented length (timingSafeEqual needs equal lengths,
 * and an early length check would leak the real token's length).
 */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The cookie that carries the token after the first visit; per port, because cookies ignore ports. */
export function tokenCookieName(port: number): string {
  return `cnn-studio-token-${port}`;
}
