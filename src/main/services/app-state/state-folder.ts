import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The environment variable that moves the studio's per-user state (tests, portable installs). */
export const STATE_FOLDER_ENV = 'CNN_STUDIO_HOME';

/**
 * The per-user folder for recent files, window placement and recovery copies, the same for the
 * desktop app, `cnn-studio serve` and the CLI: `%APPDATA%\CNN Studio` on Windows,
 * `~/Library/Application Support/CNN Studio` on macOS, `$XDG_STATE_HOME/cnn-studio` (default
 * `~/.local/state/cnn-studio`) elsewhere; `CNN_STUDIO_HOME` overrides it.
 */
export function stateFolder(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env[STATE_FOLDER_ENV]?.trim();
  if (override) return resolve(override);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'CNN Studio');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'CNN Studio');
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'cnn-studio');
}
