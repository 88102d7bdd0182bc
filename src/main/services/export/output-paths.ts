import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { fileWriteError, removeStaleTemporaries, temporaryName, writeFileAtomic } from '../files/atomic-write';

/** A file to write into a folder. */
export interface FolderFile {
  name: string;
  data: Uint8Array;
}

/**
 * Writes a folder so that it appears whole or not at all: the files go into a temporary folder beside
 * `dir`, which then replaces it by rename. An existing `dir` is replaced only when `replaceable` says it
 * is a previous export of the same kind (or it is empty); on failure nothing is left behind.
 */
export async function writeFolderAtomic(dir: string, files: FolderFile[], options: { what: string; replaceable: (names: string[]) => boolean }): Promise<void> {
  // A writer killed between its two renames left the previous folder aside: it comes back first.
  await removeStaleTemporaries(dir);
  const existing = await listFolder(dir);
  if (existing && existing.length && !options.replaceable(existing)) {
    throw new StudioError('file-unwritable', `${dir} already exists and holds other files than ${options.what}.`, { hint: 'Choose a new or empty folder.', where: dir });
  }
  const temp = join(dirname(dir), temporaryName(dir, 'tmp'));
  const old = join(dirname(dir), temporaryName(dir, 'old'));
  try {
    await mkdir(temp, { recursive: true });
  } catch (error) {
    throw fileWriteError(dir, error, options.what);
  }
  try {
    for (const file of files) await writeFileAtomic(join(temp, file.name), file.data, { what: options.what });
    if (existing) await rename(dir, old);
    try {
      await rename(temp, dir);
    } catch (error) {
      if (existing) await rename(old, dir).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    // Name the folder the user asked for, not the temporary one.
    throw fileWriteError(dir, error instanceof StudioError ? (error.cause ?? error) : error, options.what);
  }
  if (existing) await rm(old, { recursive: true, force: true }).catch(() => undefined);
}

/** The names in a folder, null when there is no such folder; a file in its place is an error. */
async function listFolder(dir: string): Promise<string[] | null> {
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new StudioError('file-unwritable', `${dir} is a file, not a folder.`, { hint: 'Choose a folder name for the export.', where: dir });
    }
    return await readdir(dir);
  } catch (error) {
    if (error instanceof StudioError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileWriteError(dir, error);
  }
}
