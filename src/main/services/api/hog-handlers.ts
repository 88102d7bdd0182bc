import { dirname, join, resolve } from 'node:path';
import type { BaselineJobParams } from '../../../shared/api/engine-protocol';
import { datasetReportSchema } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import { BASELINE_TRAINING_DEFAULTS, describeFeatures } from '../../../shared/hog/feature-spec';
import { preprocessingSchema } from '../../../shared/project/preprocessing';
import type { BackendChoice } from '../../../shared/project/settings';
import { trainingSettingsSchema } from '../../../shared/project/settings';
import { decodeGreyImage, imageFileSize } from '../baseline/hog-image';
import { readProjectFile } from '../project/project-files';
import { listProjectRuns, newRunFolder } from '../runs/project-runs';
import { RUN_FILES, readRunRecord } from '../runs/run-folder';
import type { EngineLauncher } from '../training/engine-channel';
import type { EngineJob } from '../training/engine-jobs';
import { startEngineJob } from '../training/engine-jobs';
import type { ApiHandlers } from './handler-table';
import { readRunFile, withImageFile } from './insight-images';

type HogMethod = 'hog.greyImage' | 'hog.trainBaseline' | 'hog.stopBaseline';

export interface HogHandlerDeps {
  launch: EngineLauncher;
  cwd: string;
  now?: () => Date;
}

/** The size an image is sent at: the size asked for, else its own, fitted to `maxSide` when larger. */
export function greySize(own: { height: number; width: number }, size: { height: number; width: number } | null, maxSide: number): { height: number; width: number } | null {
  if (size) return size;
  const longer = Math.max(own.height, own.width);
  if (longer <= maxSide) return null;
  const scale = maxSide / longer;
  return { height: Math.max(1, Math.round(own.height * scale)), width: Math.max(1, Math.round(own.width * scale)) };
}

/**
 * HOG's pixels for the window, and the hand-crafted baseline trained beside a run: the `baseline` engine
 * job on the run's own dataset, split (its fraction and seed), test folder, image size and resize mode,
 * into a new run folder beside the run (so it shows in the project's history). Progress goes to the
 * window that asked; one baseline per job id.
 */
export function createHogHandlers(deps: HogHandlerDeps): Pick<ApiHandlers, HogMethod> {
  const { launch, cwd } = deps;
  const now = deps.now ?? (() => new Date());
  const running = new Map<string, EngineJob<'baseline'>>();
  return {
    'hog.greyImage': ({ image, size, maxSide }) =>
      withImageFile(image, cwd, async (file) => {
        const own = await imageFileSize(file.path);
        const fitted = greySize(own, size, maxSide);
        const grey = await decodeGreyImage(file.path, fitted ? { size: fitted } : {});
        return {
          name: file.name,
          height: grey.height,
          width: grey.width,
          data: Buffer.from(grey.data.buffer, grey.data.byteOffset, grey.data.byteLength).toString('base64'),
          resizedFrom: fitted && (fitted.height !== own.height || fitted.width !== own.width) ? own : null,
        };
      }),

    async 'hog.trainBaseline'({ jobId, runDir, features, epochs }, context) {
      if (running.has(jobId)) throw new StudioError('invalid-argument', `A baseline is already training as job ${jobId}.`, { hint: 'Wait for it, or stop it first.', where: jobId });
      const compared = resolve(cwd, runDir);
      const record = await readRunRecord(compared);
      if (record.kind === 'baseline') {
        throw new StudioError('invalid-argument', `The run in ${compared} is itself a hand-crafted baseline.`, { hint: 'Choose a run of a network to compare with.', where: compared });
      }
      const project = await readProjectFile(join(compared, RUN_FILES.project));
      const preprocessing = await readRunFile(compared, RUN_FILES.preprocessing, preprocessingSchema);
      const report = await readRunFile(compared, RUN_FILES.datasetReport, datasetReportSchema);
      const seed = report.validation.seed ?? record.training.seed;
      const backend: BackendChoice = record.training.backend === 'pytorch' ? 'auto' : record.training.backend;
      const training = trainingSettingsSchema.parse({ ...BASELINE_TRAINING_DEFAULTS, seed, backend, ...(epochs ? { epochs } : {}) });
      const folder = dirname(compared);
      // Earlier baselines beside it have the features of the same images already.
      const earlier = (await listProjectRuns(folder)).filter((r) => r.kind === 'baseline').map((r) => r.runDir);
      const baselineDir = await newRunFolder(folder, now());
      const params: BaselineJobParams = {
        runDir: baselineDir,
        datasetPath: record.datasetPath,
        testPath: report.testRoot,
        features,
        image: { size: { height: preprocessing.height, width: preprocessing.width }, channels: preprocessing.channels, resize: preprocessing.resize },
        validationSplit: report.validation.fraction ?? project.dataset.validationSplit,
        training,
        projectName: `${describeFeatures(features)} baseline for ${project.name}`,
        projectPath: record.projectPath,
        featureCacheFrom: earlier,
        backend,
      };
      const job = startEngineJob(launch, 'baseline', params, {
        onEvent: (event) => {
          try {
            context.events.emit('hog.baselineProgress', { jobId, runDir: baselineDir, event });
          } catch {
            // A window that went away does not stop the baseline; its run folder keeps every event.
          }
        },
      });
      running.set(jobId, job);
      const started = performance.now();
      try {
        const result = await job.result;
        return { runDir: result.runDir, status: result.status, epochs: result.epochs, seconds: (performance.now() - started) / 1000 };
      } finally {
        running.delete(jobId);
      }
    },

    'hog.stopBaseline'({ jobId }) {
      running.get(jobId)?.stop();
      return {};
    },
  };
}
