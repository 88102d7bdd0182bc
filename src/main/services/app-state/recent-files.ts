import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { StateLog } from './json-state-file';
import { createSerialQueue, readStateFile, writeStateFile } from './json-state-file';

/** How many recent project files are remembered. */
export const MAX_RECENT_FILES = 10;

const recentFileSchema = z.object({ paths: z.array(z.string().min(1).max(4096)).max(100) });

/** Recently opened or saved project files, newest first, kept in `recent.json`. */
export interface RecentFiles {
  list(): Promise<string[]>;
  /** Moves (or adds) a path to the top. */
  add(path: string): Promise<string[]>;
  /** Forgets a path (a file that no longer opens). */
  remove(path: string): Promise<string[]>;
}

/** The recent-files list stored in `folder`. */
export function createRecentFiles(folder: string, log: StateLog): RecentFiles {
  const file = join(folder, 'recent.json');
  const serial = createSerialQueue();

  const read = async (): Promise<string[]> => (await readStateFile(file, recentFileSchema, { paths: [] }, log)).paths.slice(0, MAX_RECENT_FILES);

  const update = (change: (paths: string[]) => string[]) =>
    serial(async () => {
      const paths = change(await read()).slice(0, MAX_RECENT_FILES);
      await writeStateFile(file, { paths }, 'the recent-files list');
      return paths;
    });

  return {
    list: () => serial(read),
    add(path) {
      const full = resolve(path);
      return update((paths) => [full, ...paths.filter((p) => p !== full)]);
    },
    remove(path) {
      const full = resolve(path);
      return update((paths) => paths.filter((p) => p !== full));
    },
  };
}
