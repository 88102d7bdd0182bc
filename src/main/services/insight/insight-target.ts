import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { InsightTarget, RunWeightChoice } from '../../../shared/insight/insight-jobs';
import { projectToFile } from '../../../shared/project/codec';
import { readProjectFile } from '../project/project-files';
import { RUN_FILES } from '../runs/run-folder';

/**
 * What a path names for the insight views: a run folder (it has run.json) or a project file. `weights`
 * chooses a run's weights; it makes no sense for a project, which shows what training would start from.
 */
export async function insightTargetFromPath(path: string, weights?: RunWeightChoice): Promise<InsightTarget> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw new StudioError('file-not-found', `${path} does not exist.`, { hint: 'Give a run folder (from "cnn-studio train --out") or a .cnnstudio project file.', where: path });
  }
  if (isDirectory) {
    try {
      await stat(join(path, RUN_FILES.record));
    } catch {
      throw new StudioError('invalid-argument', `${path} is a folder but not a run folder (it has no ${RUN_FILES.record}).`, {
        hint: 'Give the folder that "cnn-studio train --out" wrote, or a .cnnstudio project file.',
        where: path,
      });
    }
    return { kind: 'run', runDir: path, weights: weights ?? 'final' };
  }
  if (weights) {
    throw new StudioError('invalid-argument', `--weights chooses among a run's weights, but ${path} is a project file.`, {
      hint: 'Leave out --weights (a project shows the weights training would start from), or give a run folder.',
      where: '--weights',
    });
  }
  const project = await readProjectFile(path);
  return { kind: 'project', project: projectToFile(project), projectPath: path };
}
