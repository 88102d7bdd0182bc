import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../../shared/errors';

/**
 * Writes a file so that readers only ever see the old content or the whole new content: the data goes
 * to a temporary file beside the target, is flushed to disk, and replaces the target by rename. On any
 * failure the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { what?: string } = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
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
