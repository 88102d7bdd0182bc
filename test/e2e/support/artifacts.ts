import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './serve-process';

/** Where e2e screenshots are kept (git-ignored; CI uploads it as the test artefact). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

/** The path for a named artefact (`smoke-loaded.png`), its folder created. */
export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name.replace(/[^A-Za-z0-9._-]+/g, '-'));
}
