import { closeSync, openSync, readSync } from 'node:fs';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/**
 * A reader for Electron's archive format, enough to check what electron-builder packed and to lay
 * the packed app out as plain files: a Chromium pickle holding the JSON header, then the files' bytes.
 */

export interface AsarFile {
  size: number;
  /** Where the bytes start after the header (a decimal string); absent for unpacked files. */
  offset?: string;
  /** Kept as a real file in `<archive>.unpacked/`. */
  unpacked?: boolean;
  executable?: boolean;
}
export interface AsarLink {
  link: string;
}
export interface AsarDirectory {
  files: Record<string, AsarEntry>;
  unpacked?: boolean;
}
export type AsarEntry = AsarFile | AsarDirectory | AsarLink;

export interface AsarArchive {
  path: string;
  header: AsarDirectory;
  /** Where the files' bytes begin in the archive. */
  dataOffset: number;
}

/** Reads an archive's header (the file list), not its contents. */
export function readAsar(path: string): AsarArchive {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(16);
    readSync(fd, prefix, 0, 16, 0);
    // The outer pickle holds one uint32 (the header pickle's size); the header pickle holds one string.
    const headerPickleSize = prefix.readUInt32LE(4);
    const jsonLength = prefix.readUInt32LE(12);
    const json = Buffer.alloc(jsonLength);
    readSync(fd, json, 0, jsonLength, 16);
    return { path, header: JSON.parse(json.toString('utf8')) as AsarDirectory, dataOffset: 8 + headerPickleSize };
  } finally {
    closeSync(fd);
  }
}

function isDirectory(entry: AsarEntry): entry is AsarDirectory {
  return 'files' in entry;
}

/** The entry at a `/`-separated path inside the archive, or null. */
export function asarEntry(archive: AsarArchive, path: string): AsarEntry | null {
  let entry: AsarEntry = archive.header;
  for (const part of path.split('/').filter(Boolean)) {
    if (!isDirectory(entry)) return null;
    const next: AsarEntry | undefined = entry.files[part];
    if (!next) return null;
    entry = next;
  }
  return entry;
}

/** Every file and link in the archive, as `/`-separated paths with their entries. */
export function asarFiles(archive: AsarArchive): { path: string; file: AsarFile | AsarLink }[] {
  const out: { path: string; file: AsarFile | AsarLink }[] = [];
  const walk = (dir: AsarDirectory, prefix: string) => {
    for (const [name, entry] of Object.entries(dir.files)) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (isDirectory(entry)) walk(entry, path);
      else out.push({ path, file: entry });
    }
  };
  walk(archive.header, '');
  return out;
}

/**
 * Writes the archive out as a folder: packed files from the archive's bytes, unpacked ones copied
 * from `<archive>.unpacked/`, so that plain Node can run what Electron would read from the archive.
 */
export async function extractAsar(archive: AsarArchive, destination: string): Promise<void> {
  const fd = openSync(archive.path, 'r');
  try {
    for (const { path, file } of asarFiles(archive)) {
      const target = join(destination, ...path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      if ('link' in file) {
        // A link names its target from the archive's root.
        await symlink(relative(dirname(target), join(destination, ...file.link.split('/'))), target);
      } else if (file.unpacked) {
        await copyFile(join(`${archive.path}.unpacked`, ...path.split('/')), target);
      } else {
        const bytes = Buffer.alloc(file.size);
        if (file.size > 0) readSync(fd, bytes, 0, file.size, archive.dataOffset + Number(file.offset));
        await writeFile(target, bytes, file.executable ? { mode: 0o755 } : {});
      }
    }
  } finally {
    closeSync(fd);
  }
}
