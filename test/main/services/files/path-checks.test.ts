import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathExists, processAlive } from '../../../../src/main/services/files/path-checks';

describe('path and process checks', () => {
  it('path_exists_for_files_and_folders_not_for_missing_paths_or_broken_links', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'cnn-studio-paths-'));
    try {
      await writeFile(join(folder, 'a'), 'x');
      await symlink(join(folder, 'gone'), join(folder, 'broken'));
      expect(await pathExists(join(folder, 'a'))).toBe(true);
      expect(await pathExists(folder)).toBe(true);
      expect(await pathExists(join(folder, 'gone'))).toBe(false);
      expect(await pathExists(join(folder, 'broken'))).toBe(false);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('this_process_is_alive_and_an_unused_pid_is_not', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
