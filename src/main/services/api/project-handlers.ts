import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { ProjectDocument } from '../../../shared/api/methods/project';
import { StudioError } from '../../../shared/errors';
import { withLayout } from '../../../shared/graph/layout';
import { parseProject, projectToFile } from '../../../shared/project/codec';
import type { Project } from '../../../shared/project/project';
import { createProject } from '../../../shared/project/project';
import { PROJECT_EXTENSION } from '../../../shared/project/schema';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import { buildTemplate, findTemplate } from '../../../shared/templates';
import type { AppState } from '../app-state/app-state';
import { readProjectFile, writeProjectFile } from '../project/project-files';
import type { AssetResolver } from '../resources/asset-resolver';
import type { ApiHandlers } from './handler-table';

type ProjectMethod = 'project.new' | 'project.open' | 'project.save' | 'project.sample' | 'project.recent' | 'project.autosave' | 'project.recovery' | 'project.discardRecovery';

export interface ProjectHandlerDeps {
  state: AppState;
  assets: AssetResolver;
  /** Relative paths typed in the window are taken from here (the server's working folder). */
  cwd: string;
}

/** The sample project as an unsaved copy: its dataset paths made absolute, so it trains wherever it is saved. */
export async function readSampleProject(assets: AssetResolver): Promise<ProjectDocument> {
  const file = assets.require('sampleProject');
  const project = await readProjectFile(file);
  const folder = dirname(file);
  const absolute = (p: string | null) => (p === null || isAbsolute(p) ? p : resolve(folder, p));
  const copy: Project = { ...project, dataset: { ...project.dataset, path: absolute(project.dataset.path), testPath: absolute(project.dataset.testPath) } };
  return { path: null, project: projectToFile(copy) };
}

/** The project handlers: templates to new projects, open, save, the sample, recent files, recovery copies. */
export function createProjectHandlers(deps: ProjectHandlerDeps): Pick<ApiHandlers, ProjectMethod> {
  const { state, assets } = deps;
  const full = (path: string) => resolve(deps.cwd, path);
  const isSample = (path: string) => path === resolve(assets.path('sampleProject'));

  return {
    'project.new'({ template, input, classes, name }) {
      const declaration = findTemplate(template);
      const graph = buildTemplate(template, { ...(input ? { input } : {}), ...(classes ? { classes } : {}) });
      const errors = analyzeGraph(graph).issues.filter((i) => i.severity === 'error');
      if (errors.length && declaration) {
        const size = input ?? declaration.defaults.input;
        const first = errors[0]!;
        throw new StudioError('invalid-graph', `The ${declaration.label} template does not fit a ${size.height}x${size.width}x${size.channels} input: ${first.nodeId ? `${first.nodeId}: ` : ''}${issueSentence(first)}`, {
          hint: `Choose a larger input${findTemplate(`${template.replace(/\d+$/, '')}-small`) ? ` or the ${template.replace(/\d+$/, '')}-small template` : ''}.`,
          where: 'input',
        });
      }
      const project = createProject(name ?? declaration?.label ?? template, withLayout(graph));
      return { path: null, project: projectToFile(project) };
    },

    async 'project.open'({ path }) {
      const file = full(path);
      // The shipped sample opens as an unsaved copy: saving must not overwrite the installation.
      if (isSample(file)) return readSampleProject(assets);
      try {
        const project = await readProjectFile(file);
        await state.recent.add(file);
        return { path: file, project: projectToFile(project) };
      } catch (error) {
        if (error instanceof StudioError && error.code === 'file-not-found') await state.recent.remove(file).catch(() => undefined);
        throw error;
      }
    },

    async 'project.save'({ path, project }) {
      const file = full(path);
      if (extname(file).toLowerCase() !== PROJECT_EXTENSION) {
        throw new StudioError('invalid-argument', `${file} does not end in ${PROJECT_EXTENSION}; projects are saved only as ${PROJECT_EXTENSION} files.`, {
          hint: `Add ${PROJECT_EXTENSION} to the name.`,
          where: file,
        });
      }
      if (isSample(file)) {
        throw new StudioError('file-unwritable', `${file} is the sample project shipped with CNN Studio and stays as it is.`, { hint: 'Save your copy under another name.', where: file });
      }
      // The same checks as opening: never write a file that would not open again.
      const checked = parseProject(JSON.stringify(project), file);
      await writeProjectFile(file, checked);
      await state.recent.add(file);
      return { path: file };
    },

    'project.sample': () => readSampleProject(assets),

    async 'project.recent'() {
      return { paths: await state.recent.list() };
    },

    async 'project.autosave'({ key, path, project }) {
      return { savedAt: await state.recovery.save({ key, path, project }) };
    },

    async 'project.recovery'() {
      return { entries: await state.recovery.list() };
    },

    async 'project.discardRecovery'({ key }) {
      await state.recovery.discard(key);
      return {};
    },
  };
}
