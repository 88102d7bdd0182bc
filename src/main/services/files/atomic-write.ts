import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { pathExists, processAlive } from './path-checks';

/**
 * Writes a file so that readers only ever see the old content or the whole new content: the data goes
 * to a temporary file beside the target, is flushed to disk, and replaces the target by rename. On any
 * failure the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { what?: string } = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, temporaryName(path, 'tmp'));
  try {
    await mkdir(dir, { recursive: true });
    await removeStaleTemporaries(path);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileWriteError(path, error, options.what);
  }
}

/**
 * The name of a temporary file or folder beside `path`: hidden, with the writer's pid (so a later
 * writer can tell a killed writer's leftovers from a live one's) and a random part.
 */
export function temporaryName(path: string, kind: 'tmp' | 'old'): string {
  return `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${kind}`;
}

/**
 * Clears what killed writers left beside `path` (a process killed mid-write cannot clean up after
 * itself): their temporary files and folders are removed, and a previous version they had moved
 * aside (`.old`) goes back in place when `path` itself is missing. Writers still alive are left alone.
 */
export async function removeStaleTemporaries(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^(\d+)\.[0-9a-f]{8}\.(tmp|old)$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const leftover = join(dir, name);
    if (match[2] === 'old' && !(await pathExists(path))) {
      await rename(leftover, path).catch(() => undefined);
      continue;
    }
    await rm(leftover, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** `removeStaleTemporaries` for every file or folder of `dir` that has leftovers beside it. */
export async function removeStaleTemporariesIn(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const targets = new Set(names.flatMap((name) => /^\.(.+)\.\d+\.[0-9a-f]{8}\.(tmp|old)$/.exec(name)?.[1] ?? []));
  for (const target of targets) await removeStaleTemporaries(join(dir, target));
}

/** A sentence for a failed write, naming the file and what to do. */
export function fileWriteError(path: string, error: unknown, what = 'the file'): StudioError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StudioError('disk-full', `The disk is full: ${what} could not be written to ${path}.`, {
      hint: 'Free some space and try again; the previous version of the file is unchanged.',
      where: path,
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StudioError('file-unwritable', `${path} cannot be written (permission denied).`, {
      hint: 'Choose a folder you can write to.',
      where: path,
      cause: error,
    });
  }
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new StudioError('file-unwritable', `${path} cannot be written: a folder on its path does not exist or is a file.`, {
      hint: 'Choose an existing folder.',
      where: path,
      cause: error,
    });
  }
  if (code === 'EISDIR') {
    return new StudioError('file-unwritable', `${path} is a folder, not a file.`, { hint: 'Choose a file name inside it.', where: path, cause: error });
  }
  return new StudioError('file-unwritable', `${what[0]!.toUpperCase()}${what.slice(1)} could not be written to ${path} (${code ?? (error as Error)?.message ?? String(error)}).`, {
    hint: 'Check the path and try again.',
    where: path,
    cause: error,
  });
}

/** A sentence for a failed read. */
export function fileReadError(path: string, error: unknown, what = 'the file'): StudioError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new StudioError('file-not-found', `${path} does not exist.`, { hint: 'Check the path.', where: path, cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new StudioError('file-unreadable', `${path} cannot be read (permission denied).`, { hint: 'Check its permissions.', where: path, cause: error });
  }
  if (code === 'EISDIR') return new StudioError('file-unreadable', `${path} is a folder, not ${what}.`, { hint: 'Choose the file inside it.', where: path, cause: error });
  return new StudioError('file-unreadable', `${path} cannot be read (${code ?? (error as Error)?.message ?? String(error)}).`, { hint: 'Check the path.', where: path, cause: error });
}
