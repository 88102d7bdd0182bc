import type { StateLog } from './json-state-file';
import type { RecentFiles } from './recent-files';
import { createRecentFiles } from './recent-files';
import type { RecoveryStore } from './recovery-files';
import { createRecoveryStore } from './recovery-files';
import { stateFolder } from './state-folder';
import type { WindowStateStore } from './window-state';
import { createWindowStateStore } from './window-state';

/** What the studio remembers per user between sessions, in one folder (see `stateFolder`). */
export interface AppState {
  readonly folder: string;
  readonly recent: RecentFiles;
  readonly window: WindowStateStore;
  readonly recovery: RecoveryStore;
}

export interface AppStateOptions {
  /** The state folder; `stateFolder()` (honouring CNN_STUDIO_HOME) by default. */
  folder?: string;
  /** Where damaged state files are reported; stderr by default. */
  log?: StateLog;
  /** The clock of recovery copies (tests pass a fixed one). */
  now?: () => Date;
}

/** The per-user state of this installation. */
export function createAppState(options: AppStateOptions = {}): AppState {
  const folder = options.folder ?? stateFolder();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    folder,
    recent: createRecentFiles(folder, log),
    window: createWindowStateStore(folder, log),
    recovery: createRecoveryStore(folder, log, options.now),
  };
}

export type { RecentFiles, RecoveryStore, StateLog, WindowStateStore };
