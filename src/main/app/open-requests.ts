import { isAbsolute, resolve } from 'node:path';
import { PROJECT_EXTENSION } from '../../shared/project/schema';

/**
 * The project files named on a command line (a double-clicked `.cnnstudio` file on Windows and
 * Linux, `npm start`'s sample, a second launch), absolute, in order. Flags and everything that is
 * not a project file (the executable, the app folder) are skipped.
 */
export function projectFilesFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv
    .filter((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith(PROJECT_EXTENSION))
    .map((arg) => (isAbsolute(arg) ? arg : resolve(cwd, arg)));
}
