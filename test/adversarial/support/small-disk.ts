import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A disk that can be filled on purpose. As root on Linux (this machine, CI) it is a real 64 MB
 * tmpfs, filled by a ballast file, so every write fails with the kernel's own ENOSPC. Where tmpfs
 * cannot be mounted it falls back to injection: the test's mock of node:fs/promises fails writes
 * under the folder while `faults.fullUnder` names it (CNN_ADVERSARIAL_DISK=injected forces this).
 */
export interface SmallDisk {
  dir: string;
  kind: 'tmpfs' | 'injected';
  /** Fills the disk now (synchronously, so it happens between two steps of the code under test). */
  fill(): void;
  /** Frees what `fill` took. */
  release(): void;
  close(): Promise<void>;
}

/** Where the injected fault is switched on (shared with the test file's vi.mock factory). */
export interface FaultSwitch {
  fullUnder: string | null;
}

const BALLAST = '.ballast';

/** A fresh small disk: tmpfs when it can be mounted here, injected faults otherwise. */
export async function openSmallDisk(faults: FaultSwitch): Promise<SmallDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'cnn-small-disk-'));
  try {
    if (process.env.CNN_ADVERSARIAL_DISK === 'injected') throw new Error('injection asked for');
    if (process.platform !== 'linux' || process.getuid?.() !== 0) throw new Error('not root on Linux');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return {
      dir,
      kind: 'injected',
      fill: () => void (faults.fullUnder = dir),
      release: () => void (faults.fullUnder = null),
      close: async () => {
        faults.fullUnder = null;
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const ballast = join(dir, BALLAST);
  return {
    dir,
    kind: 'tmpfs',
    fill() {
      const fd = openSync(ballast, 'a');
      try {
        // Megabytes, then single pages, until the kernel says the disk is full.
        writeUntilFull(fd, 1024 * 1024);
        writeUntilFull(fd, 4096);
      } finally {
        closeSync(fd);
      }
    },
    release() {
      rmSync(ballast, { force: true });
    },
    async close() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } catch {
        // Still busy: removed below as an ordinary folder.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function writeUntilFull(fd: number, size: number): void {
  const chunk = Buffer.alloc(size);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}
