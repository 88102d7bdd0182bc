import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecoveryEntry } from '../../../shared/api/methods/project';
import { parseProject, projectToFile } from '../../../shared/project/codec';
import type { ProjectFile } from '../../../shared/project/schema';
import { fileWriteError } from '../files/atomic-write';
import type { StateLog } from './json-state-file';
import { writeStateFile } from './json-state-file';

/** The subfolder of the state folder that holds recovery copies. */
export const RECOVERY_FOLDER = 'recovery';

const storedEntrySchema = z.object({
  key: z.string().min(1).max(200),
  path: z.string().max(4096).nullable(),
  savedAt: z.string().max(64),
  project: z.unknown(),
});

/**
 * Recovery copies of unsaved work, one file per document key in `recovery/`. A copy is written a
 * few seconds after each edit and deleted once the work is saved or declined, so whatever is left
 * at start is what a crashed or killed session had not saved.
 */
export interface RecoveryStore {
  /** Writes (replaces) the copy for `key`; returns when it was saved (ISO time). */
  save(entry: { key: string; path: string | null; project: ProjectFile }): Promise<string>;
  /** Every copy that reads as a valid project, newest first; damaged ones are logged and skipped. */
  list(): Promise<RecoveryEntry[]>;
  /** Deletes the copy for `key` (nothing happens when there is none). */
  discard(key: string): Promise<void>;
}

/**
 * The file name of a key: a hash, because keys come from the window and must never name a path
 * (`../../.bashrc`); the key itself is stored inside the file.
 */
export function recoveryFileName(key: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}.json`;
}

/** The recovery store in `<folder>/recovery`. */
export function createRecoveryStore(folder: string, log: StateLog, now: () => Date = () => new Date()): RecoveryStore {
  const dir = join(folder, RECOVERY_FOLDER);

  async function readEntry(name: string): Promise<RecoveryEntry | null> {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      log(`Ignoring the recovery copy ${file}: ${error instanceof SyntaxError ? 'it is not valid JSON' : `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`}.`);
      return null;
    }
    const stored = storedEntrySchema.safeParse(raw);
    if (!stored.success) {
      log(`Ignoring the recovery copy ${file}: it is not a recovery copy.`);
      return null;
    }
    try {
      // The same checks as opening a file: a damaged copy must not put unknown layers on the canvas.
      const project = projectToFile(parseProject(JSON.stringify(stored.data.project), file));
      return { key: stored.data.key, path: stored.data.path, savedAt: stored.data.savedAt, project };
    } catch (error) {
      log(`Ignoring the recovery copy ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  return {
    async save({ key, path, project }) {
      const savedAt = now().toISOString();
      await writeStateFile(join(dir, recoveryFileName(key)), { key, path, savedAt, project }, 'the recovery copy');
      return savedAt;
    },
    async list() {
      let names: string[];
      try {
        names = (await readdir(dir)).filter((name) => /^[0-9a-f]{32}\.json$/.test(name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`Ignoring the recovery folder ${dir}: it cannot be read.`);
        return [];
      }
      const entries = (await Promise.all(names.map(readEntry))).filter((e): e is RecoveryEntry => e !== null);
      return entries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },
    async discard(key) {
      const file = join(dir, recoveryFileName(key));
      try {
        await rm(file, { force: true });
      } catch (error) {
        throw fileWriteError(file, error, 'the recovery copy');
      }
    },
  };
}
