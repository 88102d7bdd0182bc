import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { ShownActivation } from '../../../shared/api/methods/insight';
import { MAX_LAYER_MAPS, MAX_LAYER_VALUES } from '../../../shared/api/methods/insight';
import type { LayerActivation } from '../../../shared/insight/feature-maps';
import type { insightTargetSchema } from '../../../shared/insight/insight-jobs';
import { projectToFile } from '../../../shared/project/codec';
import { preprocessingSchema } from '../../../shared/project/preprocessing';
import { readProjectFile } from '../project/project-files';
import { RUN_FILES, readRunRecord } from '../runs/run-folder';
import type { EngineLauncher } from '../training/engine-channel';
import { startEngineJob } from '../training/engine-jobs';
import type { ApiHandlers } from './handler-table';
import { inputPicture, readRunFile, targetPreprocessing, withImageFile } from './insight-images';

type InsightMethod = 'insight.runNetwork' | 'insight.filters' | 'insight.activations' | 'insight.saliency' | 'insight.filterResponses';
type Target = z.output<typeof insightTargetSchema>;

export interface InsightHandlerDeps {
  launch: EngineLauncher;
  cwd: string;
}

const labelsSchema = z.array(z.string().min(1).max(500)).min(1).max(100000);

/** Relative paths of a target (from the window) resolve in the services' working folder. */
function resolveTarget(target: Target, cwd: string): Target {
  return target.kind === 'run' ? { ...target, runDir: resolve(cwd, target.runDir) } : { ...target, projectPath: target.projectPath === null ? null : resolve(cwd, target.projectPath) };
}

/** Five significant digits: enough to read on hover, and a third of the JSON of full doubles. */
function compact(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(5)) : value;
}

/**
 * One layer's output as the window gets it: every map of a vector (N maps of 1x1), else the first maps
 * up to MAX_LAYER_MAPS and MAX_LAYER_VALUES values, so a wide network's answer stays small enough to send.
 */
export function shownActivation(layer: LayerActivation): ShownActivation {
  const [channels, height, width] = layer.shape;
  const perMap = Math.max(1, height * width);
  const count = perMap === 1 ? Math.min(channels, MAX_LAYER_VALUES) : Math.min(channels, MAX_LAYER_MAPS, Math.max(1, Math.floor(MAX_LAYER_VALUES / perMap)));
  return { ...layer, maps: layer.maps.slice(0, count).map((grid) => grid.map((row) => row.map(compact))), mapsShown: count };
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The insight views' services: each runs its engine job (TF.js stays out of the services process). */
export function createInsightHandlers(deps: InsightHandlerDeps): Pick<ApiHandlers, InsightMethod> {
  const { launch, cwd } = deps;
  return {
    async 'insight.runNetwork'({ runDir }) {
      const dir = resolve(cwd, runDir);
      const record = await readRunRecord(dir);
      const project = await readProjectFile(join(dir, RUN_FILES.project));
      return {
        runDir: dir,
        project: projectToFile(project),
        labels: await readRunFile(dir, RUN_FILES.labels, labelsSchema),
        preprocessing: await readRunFile(dir, RUN_FILES.preprocessing, preprocessingSchema),
        kind: record.kind,
        hasInitial: await isFolder(join(dir, RUN_FILES.initial)),
      };
    },

    'insight.filters': ({ target, layer }) => startEngineJob(launch, 'filters', { target: resolveTarget(target, cwd), layer, backend: 'auto' }).result,

    'insight.activations': ({ target, image, layers }) =>
      withImageFile(image, cwd, async (file) => {
        const report = await startEngineJob(launch, 'activations', { target: resolveTarget(target, cwd), image: file.path, layers, backend: 'auto' }).result;
        return {
          image: file.name,
          preprocessing: report.preprocessing,
          weightsFrom: report.weightsFrom,
          layers: report.layers.map(shownActivation),
          input: await inputPicture(file.path, report.preprocessing),
        };
      }),

    'insight.saliency': ({ target, image, className, method, layer }) =>
      withImageFile(image, cwd, async (file) => {
        const resolved = resolveTarget(target, cwd);
        const report = await startEngineJob(launch, 'saliency', { target: resolved, image: file.path, className, method, layer, backend: 'auto' }).result;
        return { ...report, image: file.name, input: await inputPicture(file.path, await targetPreprocessing(resolved)) };
      }),

    'insight.filterResponses': ({ target, image, layer, presets, kernels }) =>
      withImageFile(image, cwd, async (file) => {
        const report = await startEngineJob(launch, 'filter-responses', { target: resolveTarget(target, cwd), image: file.path, layer, presets, kernels, backend: 'auto' }).result;
        return { ...report, image: file.name, input: await inputPicture(file.path, report.preprocessing) };
      }),
  };
}
