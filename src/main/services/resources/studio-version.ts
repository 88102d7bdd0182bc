import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetResolver } from './asset-resolver';
import { defaultAssetResolver } from './asset-resolver';

let cached: string | null = null;

/** The studio's version, from its package.json (the one place it is written). */
export function studioVersion(assets: Pick<AssetResolver, 'appRoot'> = defaultAssetResolver()): string {
  if (cached) return cached;
  try {
    const version = (JSON.parse(readFileSync(join(assets.appRoot, 'package.json'), 'utf8')) as { version?: unknown }).version;
    cached = typeof version === 'string' ? version : 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
