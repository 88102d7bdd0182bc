import { open, readdir, stat } from 'node:fs/promises';

/**
 * The file-system calls a dataset scan makes, as an interface: the scan takes one, so tests can make
 * a file unreadable even for root (permissions do not stop root) or fail a read with EIO.
 */

export interface FileInfo {
  kind: 'file' | 'directory' | 'other';
  size: number;
  /** Device and inode: the same folder reached twice (through a link) has the same id. */
  id: string;
}

export interface DatasetFileSystem {
  /** Entry names as bytes: names need not be valid UTF-8. */
  readdir(path: string): Promise<Uint8Array[]>;
  /** Follows symbolic links (so a link loop fails with ELOOP and a dangling link with ENOENT). */
  stat(path: string): Promise<FileInfo>;
  /** The first `head` and last `tail` bytes of a file (fewer when it is shorter), and its size. */
  readEnds(path: string, head: number, tail: number): Promise<{ head: Uint8Array; tail: Uint8Array; size: number }>;
}

/** The real file system. */
export const nodeFileSystem: DatasetFileSystem = {
  async readdir(path) {
    return readdir(path, { encoding: 'buffer' });
  },
  async stat(path) {
    const info = await stat(path, { bigint: true });
    return { kind: info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other', size: Number(info.size), id: `${info.dev}:${info.ino}` };
  },
  async readEnds(path, head, tail) {
    const handle = await open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      const first = new Uint8Array(Math.min(head, size));
      const { bytesRead } = await handle.read(first, 0, first.length, 0);
      const lastLength = Math.min(tail, size);
      const last = new Uint8Array(lastLength);
      const { bytesRead: tailRead } = await handle.read(last, 0, lastLength, size - lastLength);
      return { head: first.subarray(0, bytesRead), tail: last.subarray(0, tailRead), size };
    } finally {
      await handle.close();
    }
  },
};
