import type { z } from 'zod';
import type { EngineJobResult, baselineJobParamsSchema } from '../../../shared/api/engine-protocol';
import type { DatasetReport, SkippedFile } from '../../../shared/dataset/dataset-report';
import { addSkippedFiles } from '../../../shared/dataset/dataset-report';
import { StudioError, isStudioError } from '../../../shared/errors';
import { describeFeatures, featureShape } from '../../../shared/hog/feature-spec';
import { resolvePreprocessing } from '../../../shared/project/preprocessing';
import type { RunEvent } from '../../../shared/run/run-events';
import type { BackendRecord } from '../../../shared/run/run-record';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import type { WeightSet } from '../../../shared/weights';
import type { CompiledModel } from '../engine';
import { compileModel, loadBackend, readWeights } from '../engine';
import { epochOrder, scanImageFolder } from '../data';
import { freshSeed } from '../data/random';
import { writeProjectFile } from '../project/project-files';
import type { CheckpointState } from '../runs/checkpoints';
import { epochCheckpointFolder, writeCheckpointFolder } from '../runs/checkpoints';
import { appendRunEvent } from '../runs/metrics-file';
import { RUN_FILES, writeRunJson } from '../runs/run-folder';
import { RunRecordWriter, checkRunFolderFree, prepareNewRunFolder } from '../runs/run-writer';
import { writeWeightsFolder } from '../runs/weights-folder';
import type { JobContext } from '../training/job-context';
import { LearningRateSchedule, updateEarlyStopping } from '../training/learning-rate-schedule';
import { createOptimizer, saveOptimizerState } from '../training/optimizer-factory';
import { predictBatch, trainStep } from '../training/train-step';
import { writeBaselineRecord } from './baseline-file';
import { CLASSIFIER_NODES, classifierGraph, classifierProject } from './classifier-project';
import type { FeatureTable } from './dataset-features';
import { extractDatasetFeatures } from './dataset-features';
import { FeatureCache, writeFeatureCache } from './feature-cache';
import { imageFileSize } from './hog-image';
import type { Standardization } from './standardization';
import { foldStandardization, measureStandardization, standardizeInPlace } from './standardization';

type BaselineParams = z.output<typeof baselineJobParamsSchema>;
type BaselineResult = EngineJobResult<'baseline'>;

/**
 * Trains a hand-crafted baseline into a run folder, in the engine process like `train`: the dataset
 * is scanned and split exactly as `train` splits it, every image's features (HOG or pixels) are
 * computed once, standardised with the training split's statistics, and a softmax classifier (the
 * network Input → Flatten → Output) is trained on them with the project's optimizer, with the same
 * events, checkpoints and run folder as a network. See baseline-file.ts for what the run adds.
 */
export async function trainBaseline(params: BaselineParams, ctx: JobContext): Promise<BaselineResult> {
  const started = Date.now();
  const settings = params.training;
  await checkRunFolderFree(params.runDir);
  const stopped: BaselineResult = { status: 'stopped', runDir: params.runDir, epochs: 0, bestEpoch: null };
  let index: Awaited<ReturnType<typeof scanImageFolder>>;
  try {
    index = await scanImageFolder(params.datasetPath, { validationSplit: params.validationSplit, seed: settings.seed, testRoot: params.testPath, signal: ctx.control.signal });
  } catch (error) {
    if (isCancellation(error)) return stopped;
    throw error;
  }
  const size = params.image.size ?? (await firstImageSize(index.train));
  const image = { ...size, channels: params.features.kind === 'hog' ? (1 as const) : params.image.channels, resize: params.image.resize };
  const preprocessing = resolvePreprocessing('pixel/255', image, image.resize);
  const shape = featureShape(params.features, image);
  const length = shape[0] * shape[1] * shape[2];
  const classes = index.classes;
  const graph = classifierGraph(shape, classes.length);
  const analysis = analyzeGraph(graph);
  if (!analysis.flat) throw new StudioError('internal', 'The baseline classifier network did not form a valid graph.', { hint: 'Report this problem.' });
  const backend = await loadBackend(settings.backend === 'auto' ? params.backend : settings.backend);

  // Features first: a stop or a bad dataset here leaves no run folder behind.
  const failures: SkippedFile[] = [];
  const cache = await FeatureCache.open(params.featureCacheFrom, params.features, image, length);
  const extract = (samples: typeof index.train) =>
    extractDatasetFeatures(samples, { features: params.features, preprocessing, length, cache, classes, signal: ctx.control.signal, onSkip: (f) => failures.push(f) });
  let train: FeatureTable;
  let validation: FeatureTable;
  try {
    train = await extract(index.train);
    validation = await extract(index.validation);
  } catch (error) {
    if (isCancellation(error)) return stopped;
    throw error;
  }
  ctx.log('info', `Features: ${train.count + validation.count} images, ${length} values each, ${train.reused + validation.reused} from a cache of ${cache.size}.`);
  if (train.count === 0) {
    throw new StudioError('dataset-invalid', `None of the training images of ${params.datasetPath} could be decoded.`, { hint: 'Check the files listed in the dataset report.', where: params.datasetPath });
  }
  const report = (): DatasetReport => addSkippedFiles(index.report, failures);

  await prepareNewRunFolder(params.runDir);
  await writeFeatureCache(params.runDir, { features: params.features, image, length, entries: [...train.entries, ...validation.entries], values: [train.values, validation.values] });
  const standardization = measureStandardization(train.values, train.count, length);
  standardizeInPlace(train.values, train.count, standardization);
  standardizeInPlace(validation.values, validation.count, standardization);

  const name = `${describeFeatures(params.features)} baseline`;
  const project = classifierProject(
    name,
    graph,
    { path: params.datasetPath, testPath: params.testPath, validationSplit: params.validationSplit, resize: image.resize, normalization: 'pixel/255' },
    settings,
  );
  const backendRecord: BackendRecord = { name: backend.name, label: backend.label, reason: backend.reason, gpu: backend.gpu ?? null, versions: backend.versions };
  await writeProjectFile(`${params.runDir}/${RUN_FILES.project}`, project);
  await writeRunJson(params.runDir, RUN_FILES.labels, classes);
  await writeRunJson(params.runDir, RUN_FILES.preprocessing, preprocessing);
  await writeRunJson(params.runDir, RUN_FILES.datasetReport, report());
  await writeBaselineRecord(params.runDir, {
    format: 'cnn-studio/baseline',
    version: 1,
    features: params.features,
    description: describeFeatures(params.features),
    featureShape: shape,
    featureLength: length,
    standardization: { mean: Array.from(standardization.mean), std: Array.from(standardization.std) },
    parameters: analysis.totals.trainable,
    comparedWith: params.projectPath,
  });
  const now = new Date().toISOString();
  const writer = new RunRecordWriter(params.runDir, {
    id: params.runDir.split(/[\\/]/).filter(Boolean).at(-1) ?? 'baseline',
    kind: 'baseline',
    projectName: params.projectName,
    projectPath: params.projectPath,
    status: 'running',
    message: null,
    createdAt: now,
    finishedAt: null,
    backend: backendRecord,
    pid: process.pid,
    training: settings,
    datasetPath: params.datasetPath,
    epochsPlanned: settings.epochs,
    epochsCompleted: 0,
    bestEpoch: null,
    checkpoints: [],
    finalWeights: null,
  });
  await writer.update({});
  const emit = async (event: RunEvent) => {
    ctx.emit(event);
    await appendRunEvent(params.runDir, event);
  };

  const compiled = compileModel(analysis.flat, { seed: settings.seed });
  try {
    await emit({
      type: 'start',
      runDir: params.runDir,
      backend: { name: backend.name, label: backend.label, reason: backend.reason, gpu: backend.gpu ?? null },
      classes,
      trainImages: train.count,
      valImages: validation.count,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      params: analysis.totals,
      resumedFrom: null,
      warnings: index.report.warnings.map((w) => w.message),
    });
    const { optimizer, setLearningRate } = createOptimizer(settings.optimizer);
    const schedule = new LearningRateSchedule(settings.schedule, settings.optimizer.learningRate, settings.epochs);
    const shuffleSeed = settings.seed ?? freshSeed();
    const batchesPerEpoch = Math.max(1, Math.ceil(train.count / settings.batchSize));
    let early = { bestLoss: null as number | null, bestEpoch: null as number | null, badEpochs: 0 };
    let status: 'completed' | 'stopped' = 'completed';
    let message: string | null = null;
    let lastEpoch = 0;
    let lastVal: { loss: number; accuracy: number } | null = null;
    let step = 0;
    let seconds = 0;

    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      if (ctx.control.stopRequested) {
        status = 'stopped';
        break;
      }
      const rate = schedule.rateFor(epoch);
      setLearningRate(rate);
      const epochStart = Date.now();
      const order = epochOrder(train.count, shuffleSeed, epoch, true);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lastBatchEvent = 0;
      let stoppedMidEpoch = false;
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (ctx.control.isPaused) {
          await emit({ type: 'status', status: 'paused', message: `Paused in epoch ${epoch}.`, epoch });
          await ctx.control.whilePaused();
          if (!ctx.control.stopRequested) await emit({ type: 'status', status: 'resumed', message: `Resumed in epoch ${epoch}.`, epoch });
        }
        if (ctx.control.stopRequested) {
          stoppedMidEpoch = true;
          break;
        }
        const batch = gatherBatch(train, order.subarray(b * settings.batchSize, (b + 1) * settings.batchSize));
        const result = trainStep(compiled, optimizer, batch, { inputShape: shape, classes: classes.length, loss: 'softmax-cross-entropy', weightDecay: settings.weightDecay });
        step += 1;
        if (!Number.isFinite(result.loss)) await failOnNonFinite(params.runDir, writer, epoch, b + 1, rate);
        seen += batch.size;
        lossSum += result.loss * batch.size;
        correct += result.correct;
        const at = Date.now();
        if (at - lastBatchEvent >= params.batchEventInterval || b + 1 === batchesPerEpoch) {
          lastBatchEvent = at;
          const elapsed = (at - epochStart) / 1000;
          await emit({
            type: 'batch',
            epoch,
            batch: b + 1,
            batches: batchesPerEpoch,
            loss: result.loss,
            accuracy: result.correct / batch.size,
            imagesPerSecond: seen / Math.max(elapsed, 1e-9),
            learningRate: rate,
            eta: ((batchesPerEpoch - b - 1 + (settings.epochs - epoch) * batchesPerEpoch) * elapsed) / (b + 1),
          });
        }
      }
      if (stoppedMidEpoch) {
        status = 'stopped';
        message = `Stopped by the user during epoch ${epoch}; the weights trained so far are kept.`;
        break;
      }
      const trainSeconds = (Date.now() - epochStart) / 1000;
      const val = validation.count ? validate(compiled, validation, shape, classes.length) : null;
      lastVal = val;
      const epochSeconds = (Date.now() - epochStart) / 1000;
      seconds += epochSeconds;
      const trainLoss = lossSum / Math.max(seen, 1);
      const monitored = val?.loss ?? trainLoss;
      const next = updateEarlyStopping(early, epoch, monitored);
      early = { bestLoss: next.bestLoss, bestEpoch: next.bestEpoch, badEpochs: next.badEpochs };
      await emit({
        type: 'epoch',
        epoch,
        epochs: settings.epochs,
        loss: trainLoss,
        accuracy: correct / Math.max(seen, 1),
        valLoss: val?.loss ?? null,
        valAccuracy: val?.accuracy ?? null,
        imagesPerSecond: seen / Math.max(trainSeconds, 1e-9),
        seconds: epochSeconds,
        learningRate: rate,
        eta: (settings.epochs - epoch) * epochSeconds,
        best: next.improved,
      });
      const rateMessage = schedule.endEpoch(monitored);
      if (rateMessage) await emit({ type: 'status', status: 'learning-rate', message: rateMessage, epoch });

      const state: CheckpointState = { format: 'cnn-studio/checkpoint', version: 1, epoch, step, schedule: schedule.snapshot(), earlyStopping: early, seconds, phase: 1 };
      const weights = foldedWeights(compiled, standardization);
      const optimizerState = await saveOptimizerState(optimizer);
      const folder = epochCheckpointFolder(epoch);
      await writeCheckpointFolder(params.runDir, folder, { state, weights, optimizer: optimizerState });
      if (next.improved) await writeCheckpointFolder(params.runDir, RUN_FILES.best, { state, weights, optimizer: optimizerState });
      await writer.update({ epochsCompleted: epoch, checkpoints: [...writer.record.checkpoints, folder], bestEpoch: early.bestEpoch });
      await emit({ type: 'checkpoint', epoch, path: folder, best: next.improved });
      lastEpoch = epoch;

      if (settings.earlyStopping.enabled && early.badEpochs >= settings.earlyStopping.patience && epoch < settings.epochs) {
        message = `Stopped early after epoch ${epoch}: the ${val ? 'validation' : 'training'} loss has not improved for ${early.badEpochs} epochs (best: epoch ${early.bestEpoch}).`;
        await emit({ type: 'status', status: 'early-stopping', message, epoch });
        break;
      }
    }

    await writeRunJson(params.runDir, RUN_FILES.datasetReport, report());
    await writeWeightsFolder(`${params.runDir}/${RUN_FILES.weights}`, foldedWeights(compiled, standardization));
    await writer.finish(status, message, lastEpoch);
    await emit({
      type: 'done',
      status,
      epochs: lastEpoch,
      bestEpoch: early.bestEpoch,
      runDir: params.runDir,
      message: writer.record.message,
      valLoss: lastVal?.loss ?? null,
      valAccuracy: lastVal?.accuracy ?? null,
      seconds: (Date.now() - started) / 1000,
    });
    return { status, runDir: params.runDir, epochs: lastEpoch, bestEpoch: early.bestEpoch };
  } finally {
    compiled.model.dispose();
  }
}

/** The size of the first training image that can be read (the scan has already passed over most bad files). */
async function firstImageSize(samples: readonly { path: string }[]): Promise<{ height: number; width: number }> {
  let problem: unknown = null;
  for (const sample of samples.slice(0, 20)) {
    try {
      return await imageFileSize(sample.path);
    } catch (error) {
      problem = error;
    }
  }
  throw problem ?? new StudioError('dataset-invalid', 'The dataset has no training images.');
}

/** A stop asked for while scanning or computing features: nothing was written yet. */
function isCancellation(error: unknown): boolean {
  return isStudioError(error) && error.code === 'cancelled';
}

/** The rows of `order` as a batch the training step takes (the features in place of pixels). */
function gatherBatch(table: FeatureTable, order: Int32Array) {
  const x = new Float32Array(order.length * table.length);
  const y = new Int32Array(order.length);
  const files: string[] = [];
  order.forEach((row, k) => {
    x.set(table.values.subarray(row * table.length, (row + 1) * table.length), k * table.length);
    y[k] = table.labels[row]!;
    files.push(table.files[row]!);
  });
  return { x, y, size: order.length, files };
}

/** The classifier's weights with the standardisation folded in: what the run stores. */
function foldedWeights(compiled: CompiledModel, standardization: Standardization): WeightSet {
  const weights = readWeights(compiled);
  return { ...weights, [CLASSIFIER_NODES.output]: foldStandardization(weights[CLASSIFIER_NODES.output]!, standardization) };
}

const VALIDATION_BATCH = 256;

function validate(compiled: CompiledModel, table: FeatureTable, shape: readonly number[], classes: number): { loss: number; accuracy: number } {
  let sum = 0;
  let correct = 0;
  for (let start = 0; start < table.count; start += VALIDATION_BATCH) {
    const size = Math.min(VALIDATION_BATCH, table.count - start);
    const probabilities = predictBatch(compiled, table.values.subarray(start * table.length, (start + size) * table.length), size, shape);
    for (let i = 0; i < size; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const truth = table.labels[start + i]!;
      let best = 0;
      for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
      if (best === truth) correct += 1;
      sum += -Math.log(Math.min(Math.max(row[truth]!, 1e-7), 1 - 1e-7));
    }
  }
  return { loss: sum / Math.max(table.count, 1), accuracy: correct / Math.max(table.count, 1) };
}

async function failOnNonFinite(runDir: string, writer: RunRecordWriter, epoch: number, batch: number, rate: number): Promise<never> {
  const message = `The loss became NaN or infinite in epoch ${epoch}, batch ${batch}: the learning rate (${rate}) is probably too high.`;
  const last = writer.record.checkpoints.at(-1) ?? null;
  await writer.update({ status: 'failed', message, finishedAt: new Date().toISOString(), finalWeights: last, pid: null });
  throw new StudioError('training-failed', message, {
    hint: `Lower the learning rate (try a tenth); ${last ? `the last good checkpoint (${last}) is kept in ${runDir}.` : 'no epoch had completed, so there is no checkpoint.'}`,
    where: runDir,
  });
}
