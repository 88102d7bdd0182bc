import { readFile, stat } from 'node:fs/promises';
import { StudioError } from '../../../shared/errors';
import { MAX_PROJECT_BYTES, parseProject, serializeProject } from '../../../shared/project/codec';
import type { Project } from '../../../shared/project/project';
import { fileReadError, writeFileAtomic } from '../files/atomic-write';

/** Reads and validates a `.cnnstudio` file. */
export async function readProjectFile(path: string): Promise<Project> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.size > MAX_PROJECT_BYTES) {
      throw new StudioError('invalid-project', `${path} is ${Math.round(info.size / 1e6)} MB, too large to be a project file.`, {
        hint: 'Open the .cnnstudio file, not a dataset or a model.',
        where: path,
      });
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw fileReadError(path, error, 'a project file');
  }
  return parseProject(text, path);
}

/** Saves a project atomically: the old file stays whole until the new one is complete. */
export async function writeProjectFile(path: string, project: Project): Promise<void> {
  await writeFileAtomic(path, serializeProject(project), { what: 'the project' });
}
