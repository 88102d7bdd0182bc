import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { Project } from '../../../shared/project/project';
import { PROJECT_EXTENSION } from '../../../shared/project/schema';
import { fileWriteError, temporaryName } from '../files/atomic-write';
import { pathExists } from '../files/path-checks';
import { writeProjectFile } from './project-files';

/**
 * Where a project made with starting weights goes (an imported model, a fine-tuning project): `out`
 * (the project extension added when it has none) and its weights folder `PROJECT.weights/` beside it.
 * Without `force`, either one existing already is an error naming it.
 */
export async function projectWithWeightsPaths(out: string, force: boolean | undefined): Promise<{ project: string; weightsDir: string }> {
  const project = extname(out) ? out : `${out}${PROJECT_EXTENSION}`;
  const weightsDir = join(dirname(project), `${basename(project, extname(project))}.weights`);
  if (!force) {
    for (const path of [project, weightsDir]) {
      if (await pathExists(path)) throw new StudioError('invalid-argument', `${path} already exists.`, { hint: 'Choose another name, or add --force to replace it.', where: path });
    }
  }
  return { project, weightsDir };
}

/**
 * Writes the weights folder (filled by `fill` in a temporary folder, then renamed into place, so it
 * appears whole) and then the project file, so a project never points at missing weights; a project
 * that cannot be written takes its weights folder away again.
 */
export async function writeProjectWithWeights(paths: { project: string; weightsDir: string }, project: Project, fill: (folder: string) => Promise<void>): Promise<void> {
  const { weightsDir } = paths;
  const temp = join(dirname(weightsDir), temporaryName(weightsDir, 'tmp'));
  try {
    await fill(temp);
    await rm(weightsDir, { recursive: true, force: true });
    await rename(temp, weightsDir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    // Name the folder the user will see, not the temporary one.
    throw fileWriteError(weightsDir, error instanceof StudioError ? (error.cause ?? error) : error, 'the weights folder');
  }
  try {
    await writeProjectFile(paths.project, project);
  } catch (error) {
    await rm(weightsDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
