import type { z } from 'zod';
import type { trainJobParamsSchema, EngineJobResult } from '../../../shared/api/engine-protocol';
import { StudioError } from '../../../shared/errors';
import type { OutputLoss } from '../../../shared/layers/output';
import { projectFromFile } from '../../../shared/project/codec';
import type { Project } from '../../../shared/project/project';
import type { RunEvent } from '../../../shared/run/run-events';
import type { BackendRecord } from '../../../shared/run/run-record';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import type { CompiledModel } from '../engine';
import { compileModel, loadBackend, readWeightsAsync, setTrainingStep, writeWeights } from '../engine';
import type { Checkpoint, CheckpointState } from '../runs/checkpoints';
import { epochCheckpointFolder, readCheckpointFolder, writeCheckpointFolder } from '../runs/checkpoints';
import { appendRunEvent } from '../runs/metrics-file';
import { RUN_FILES, readRunRecord, writeRunJson } from '../runs/run-folder';
import { RunRecordWriter, checkRunFolderFree, prepareNewRunFolder } from '../runs/run-writer';
import { writeWeightsFolder } from '../runs/weights-folder';
import { exportTfjs } from '../export/tfjs/tfjs-exporter';
import { writeFolderAtomic } from '../export/output-paths';
import { writeProjectFile } from '../project/project-files';
import { studioVersion } from '../resources/studio-version';
import { FeatureCache, planFeatureCache } from './feature-cache';
import { enterPhase2, phaseOf, planPhases } from './fine-tune-phases';
import { loadInitialWeights } from './initial-weights';
import { wasmThreadsFor } from './wasm-threads-choice';
import type { JobContext } from './job-context';
import { LearningRateSchedule, updateEarlyStopping } from './learning-rate-schedule';
import { createOptimizer, restoreOptimizerState, saveOptimizerState } from './optimizer-factory';
import { isOutOfMemory, outOfMemoryError } from './out-of-memory';
import { predictBatchAsync, trainStepAsync } from './train-step';
import type { TrainingData } from './training-data';
import { openTrainingData } from './training-data';

type TrainParams = z.output<typeof trainJobParamsSchema>;
type TrainResult = EngineJobResult<'train'>;

/**
 * Trains a project on an image folder into a run folder (src/main/services/runs/run-folder.ts), or
 * continues a run from its last checkpoint. Runs inside the engine process.
 */
export async function trainRun(params: TrainParams, ctx: JobContext): Promise<TrainResult> {
  const project = projectFromFile(params.project);
  const analysis = analyzeGraph(project.graph);
  if (!analysis.flat) {
    const errors = analysis.issues.filter((i) => i.severity === 'error');
    throw new StudioError('invalid-graph', `The network cannot be trained: ${errors.map((e) => (e.nodeId ? `${e.nodeId}: ` : '') + issueSentence(e)).join(' ')}`, {
      hint: 'Fix the errors shown by "cnn-studio inspect" (or the problems list) first.',
    });
  }
  const flat = analysis.flat;
  const outputNode = flat.nodes.find((n) => n.id === flat.outputId)!;
  const classes = outputNode.params.classes as number;
  const loss = outputNode.params.loss as OutputLoss;
  const settings = project.training;
  const started = Date.now();
  // Fine-tuning phases are checked before anything is written: an unknown layer leaves no run behind.
  const phases = planPhases(flat, settings.fineTuning, settings.epochs);

  // Resume: read the run and its last complete checkpoint before touching anything.
  let checkpoint: Checkpoint | null = null;
  let resumedRecord = null;
  if (params.resume) {
    resumedRecord = await readRunRecord(params.runDir);
    if (resumedRecord.status === 'completed') {
      throw new StudioError('invalid-argument', `The run in ${params.runDir} is already complete (${resumedRecord.epochsCompleted} epochs).`, {
        hint: 'Start a new run with --out, or raise the number of epochs in the project first.',
        where: params.runDir,
      });
    }
    const last = resumedRecord.checkpoints.at(-1);
    if (last) checkpoint = await readCheckpointFolder(params.runDir, last);
  } else {
    await checkRunFolderFree(params.runDir);
  }

  // The trainer (with its starting weights and feature cache) reads results asynchronously, so WebGPU,
  // which cannot read synchronously in Node, may train.
  const backend = await loadBackend(settings.backend === 'auto' ? params.backend : settings.backend, { readsAsync: true, wasmThreads: wasmThreadsFor(flat) });
  const backendRecord: BackendRecord = { name: backend.name, label: backend.label, reason: backend.reason, gpu: backend.gpu ?? null, versions: backend.versions };
  const data = await openTrainingData({ datasetPath: params.datasetPath, projectPath: params.projectPath, project, seed: settings.seed, control: ctx.control });
  try {
    if (data.classes.length !== classes) {
      throw new StudioError('dataset-invalid', `The dataset has ${data.classes.length} classes (${data.classes.slice(0, 12).join(', ')}${data.classes.length > 12 ? ', …' : ''}) but the Output layer ${outputNode.id} has ${classes}.`, {
        hint: `Set the Output's classes to ${data.classes.length}, or choose the dataset the network was made for.`,
        where: outputNode.id,
      });
    }
    // The run folder is made only once the data is known to be usable: a bad dataset leaves nothing behind.
    if (!params.resume) await prepareNewRunFolder(params.runDir);
    const writer = await openRunRecord(params, project, backendRecord, data, resumedRecord);
    const emit = async (event: RunEvent) => {
      ctx.emit(event);
      await appendRunEvent(params.runDir, event);
    };

    const compiled = compileModel(flat, { seed: settings.seed });
    let cache: FeatureCache | null = null;
    try {
      const warnings = [...data.warnings, ...phases.warnings];
      if (checkpoint) writeWeights(compiled, checkpoint.weights);
      else warnings.push(...(await loadInitialWeights(compiled, flat, project, params.projectPath)));
      // What training starts from, kept for the "before vs after training" filter views.
      if (!checkpoint) await writeWeightsFolder(`${params.runDir}/${RUN_FILES.initial}`, await readWeightsAsync(compiled));
      let { optimizer, setLearningRate } = createOptimizer(settings.optimizer);
      if (checkpoint) await restoreOptimizerState(optimizer, checkpoint.optimizer);
      const schedule = new LearningRateSchedule(settings.schedule, settings.optimizer.learningRate, settings.epochs, checkpoint?.state.schedule);
      let early = checkpoint?.state.earlyStopping ?? { bestLoss: null, bestEpoch: null, badEpochs: 0 };
      const firstEpoch = (checkpoint?.state.epoch ?? 0) + 1;
      let seconds = checkpoint?.state.seconds ?? 0;
      let step = checkpoint?.state.step ?? 0;
      setTrainingStep(compiled, step);

      await emit({
        type: 'start',
        runDir: params.runDir,
        backend: { name: backend.name, label: backend.label, reason: backend.reason, gpu: backend.gpu ?? null },
        classes: data.classes,
        trainImages: data.trainCount,
        valImages: data.valCount,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        params: analysis.totals,
        resumedFrom: checkpoint ? checkpoint.state.epoch : null,
        warnings,
      });

      const inputShape = [data.preprocessing.height, data.preprocessing.width, data.preprocessing.channels];
      const batchesPerEpoch = Math.max(1, Math.ceil(data.trainCount / settings.batchSize));
      let status: 'completed' | 'stopped' = 'completed';
      let message: string | null = null;
      let lastEpoch = firstEpoch - 1;
      let inPhase2 = false;
      let cachePlanned = false;
      // Events carry their phase only in a two-phase run, so other runs' metrics read as before.
      const phaseField = (epoch: number) => (phases.unfreezeFrom === null ? {} : { phase: phaseOf(phases, epoch) });

      for (let epoch = firstEpoch; epoch <= settings.epochs; epoch++) {
        if (ctx.control.stopRequested) {
          status = 'stopped';
          break;
        }
        if (phaseOf(phases, epoch) === 2 && !inPhase2) {
          inPhase2 = true;
          enterPhase2(compiled, phases);
          if (cache) {
            cache.dispose();
            cache = null;
            await emit({ type: 'status', status: 'feature-cache', message: 'Feature cache off: the body trains from now on.', epoch, phase: 2, featureCache: { on: false, node: null } });
          }
          // A fresh optimizer for the new set of weights, as Keras's fine-tuning recompiles the model; a run
          // resumed later in phase 2 keeps the one its checkpoint saved.
          if (epoch === phases.phase2Start) {
            optimizer.dispose();
            ({ optimizer, setLearningRate } = createOptimizer(settings.optimizer));
            const message = `Phase 2 from epoch ${epoch}: ${phases.unfreezeFrom} and the layers after it (${phases.unfreeze.length} in all) train too, at ${phases.learningRateFactor} times the learning rate.`;
            await emit({ type: 'status', status: 'phase-change', message, epoch, phase: 2 });
          }
        }
        if (!cachePlanned && !inPhase2) {
          cachePlanned = true;
          cache = await openFeatureCache(compiled, flat, data, project, emit, epoch, phaseField(epoch));
        }
        const rate = schedule.rateFor(epoch) * (inPhase2 ? phases.learningRateFactor : 1);
        setLearningRate(rate);
        const epochStart = Date.now();
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        let batchIndex = 0;
        let lastBatchEvent = 0;
        let stoppedMidEpoch = false;
        const replayed = cache?.isComplete ?? false;
        const stepShape = cache?.featureShape ?? inputShape;
        for await (const batch of cache ? cache.trainBatches(data, epoch) : data.trainBatches(epoch)) {
          if (ctx.control.isPaused) {
            await emit({ type: 'status', status: 'paused', message: `Paused in epoch ${epoch}.`, epoch });
            await ctx.control.whilePaused();
            if (!ctx.control.stopRequested) await emit({ type: 'status', status: 'resumed', message: `Resumed in epoch ${epoch}.`, epoch });
          }
          if (ctx.control.stopRequested) {
            stoppedMidEpoch = true;
            break;
          }
          const result = await trainStepAsync(compiled, optimizer, batch, { inputShape: stepShape, classes, loss, weightDecay: settings.weightDecay, ...(cache ? { model: cache.head } : {}) });
          step += 1;
          if (!Number.isFinite(result.loss)) {
            await failOnNonFinite(params.runDir, writer, epoch, batchIndex + 1, rate, data);
          }
          batchIndex += 1;
          seen += batch.size;
          lossSum += result.loss * batch.size;
          correct += result.correct;
          const now = Date.now();
          if (now - lastBatchEvent >= params.batchEventInterval || batchIndex === batchesPerEpoch) {
            lastBatchEvent = now;
            const elapsed = (now - epochStart) / 1000;
            const perBatch = elapsed / batchIndex;
            const remaining = (batchesPerEpoch - batchIndex + (settings.epochs - epoch) * batchesPerEpoch) * perBatch;
            await emit({
              type: 'batch',
              epoch,
              batch: batchIndex,
              batches: batchesPerEpoch,
              loss: result.loss,
              accuracy: result.correct / batch.size,
              imagesPerSecond: seen / Math.max(elapsed, 1e-9),
              learningRate: rate,
              eta: remaining,
              ...phaseField(epoch),
            });
          }
        }
        if (stoppedMidEpoch) {
          status = 'stopped';
          message = `Stopped by the user during epoch ${epoch}; the weights trained so far are kept, and the run can resume from the end of epoch ${epoch - 1}.`;
          break;
        }
        const trainSeconds = (Date.now() - epochStart) / 1000;
        const val = data.valCount ? await validate(compiled, data, inputShape, classes, loss, cache) : null;
        const epochSeconds = (Date.now() - epochStart) / 1000;
        seconds += epochSeconds;
        const monitored = val?.loss ?? lossSum / Math.max(seen, 1);
        const next = updateEarlyStopping(early, epoch, monitored);
        early = { bestLoss: next.bestLoss, bestEpoch: next.bestEpoch, badEpochs: next.badEpochs };
        await emit({
          type: 'epoch',
          epoch,
          epochs: settings.epochs,
          loss: lossSum / Math.max(seen, 1),
          accuracy: correct / Math.max(seen, 1),
          valLoss: val?.loss ?? null,
          valAccuracy: val?.accuracy ?? null,
          imagesPerSecond: seen / Math.max(trainSeconds, 1e-9),
          seconds: epochSeconds,
          learningRate: rate,
          eta: (settings.epochs - epoch) * epochSeconds,
          dataWait: replayed ? 0 : data.waitFraction(),
          best: next.improved,
          ...phaseField(epoch),
        });
        const rateMessage = schedule.endEpoch(monitored);
        if (rateMessage) await emit({ type: 'status', status: 'learning-rate', message: rateMessage, epoch });

        const state: CheckpointState = {
          format: 'cnn-studio/checkpoint',
          version: 1,
          epoch,
          step,
          schedule: schedule.snapshot(),
          earlyStopping: early,
          seconds,
          phase: phaseOf(phases, epoch + 1),
        };
        const weights = await readWeightsAsync(compiled);
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

      // Files that failed to decode during training join the report.
      await writeRunJson(params.runDir, RUN_FILES.datasetReport, data.report);
      // The final weights: what the network holds now (after a stop, what was trained so far).
      const finalWeights = await readWeightsAsync(compiled);
      await writeWeightsFolder(`${params.runDir}/${RUN_FILES.weights}`, finalWeights);
      // The model in TF.js format too, built from standard layers so plain tf.loadLayersModel reads it.
      const tfjsFiles = await exportTfjs({ flat, weights: finalWeights, labels: data.classes, preprocessing: data.preprocessing, producerVersion: studioVersion() });
      await writeFolderAtomic(`${params.runDir}/${RUN_FILES.tfjsModel}`, tfjsFiles, { what: 'the TF.js model', replaceable: () => true });
      await writer.finish(status, message, lastEpoch);
      await emit({
        type: 'done',
        status,
        epochs: lastEpoch,
        bestEpoch: early.bestEpoch,
        runDir: params.runDir,
        message: writer.record.message,
        valLoss: null,
        valAccuracy: null,
        seconds: (Date.now() - started) / 1000,
      });
      return { status, runDir: params.runDir, epochs: lastEpoch, bestEpoch: early.bestEpoch };
    } catch (error) {
      const failure = isOutOfMemory(error) ? outOfMemoryFailure(error, writer, backendRecord, settings.batchSize, data, params.runDir) : error;
      await markFailed(writer, failure);
      throw failure;
    } finally {
      cache?.dispose();
      compiled.model.dispose();
    }
  } finally {
    await data.dispose();
  }
}

async function openRunRecord(
  params: TrainParams,
  project: Project,
  backend: BackendRecord,
  data: TrainingData,
  resumed: Awaited<ReturnType<typeof readRunRecord>> | null,
): Promise<RunRecordWriter> {
  const now = new Date().toISOString();
  if (resumed) {
    const writer = new RunRecordWriter(params.runDir, { ...resumed, status: 'running', message: null, finishedAt: null, pid: process.pid, backend });
    await writer.update({});
    return writer;
  }
  await writeProjectFile(`${params.runDir}/${RUN_FILES.project}`, project);
  await writeRunJson(params.runDir, RUN_FILES.labels, data.classes);
  await writeRunJson(params.runDir, RUN_FILES.preprocessing, data.preprocessing);
  await writeRunJson(params.runDir, RUN_FILES.datasetReport, data.report);
  const writer = new RunRecordWriter(params.runDir, {
    id: params.runDir.split(/[\\/]/).filter(Boolean).at(-1) ?? 'run',
    kind: 'cnn',
    projectName: project.name,
    projectPath: params.projectPath,
    status: 'running',
    message: null,
    createdAt: now,
    finishedAt: null,
    backend,
    pid: process.pid,
    training: project.training,
    datasetPath: params.datasetPath,
    epochsPlanned: project.training.epochs,
    epochsCompleted: 0,
    bestEpoch: null,
    checkpoints: [],
    finalWeights: null,
  });
  await writer.update({});
  return writer;
}

/** Plans the feature cache for phase 1 and says on the dashboard whether it is on and why. */
async function openFeatureCache(
  compiled: CompiledModel,
  flat: FlatGraph,
  data: TrainingData,
  project: Project,
  emit: (event: RunEvent) => Promise<void>,
  epoch: number,
  phase: { phase?: number },
): Promise<FeatureCache | null> {
  const plan = planFeatureCache(flat, compiled, {
    enabled: project.training.fineTuning.featureCache,
    augmented: data.augmented,
    images: data.trainCount + data.valCount,
    budgetBytes: project.dataset.cacheMegabytes * 2 ** 20,
  });
  if (plan.node === null) {
    // Only a run with a frozen body hears why its head is not trained on cached outputs.
    if (plan.why !== 'nothing-frozen') await emit({ type: 'status', status: 'feature-cache', message: `Feature cache off: ${plan.reason}.`, epoch, ...phase, featureCache: { on: false, node: null } });
    return null;
  }
  const message = `Feature cache on: the frozen layers up to ${plan.node} run once per image and their outputs (${Math.ceil(plan.bytes / 2 ** 20)} MB) are reused, so the head trains alone from epoch ${epoch + 1} on.`;
  await emit({ type: 'status', status: 'feature-cache', message, epoch, ...phase, featureCache: { on: true, node: plan.node } });
  return new FeatureCache(compiled, flat, plan.node);
}

async function validate(compiled: CompiledModel, data: TrainingData, inputShape: number[], classes: number, loss: OutputLoss, cache: FeatureCache | null = null): Promise<{ loss: number; accuracy: number }> {
  let sum = 0;
  let correct = 0;
  let seen = 0;
  for await (const batch of cache ? cache.validationBatches(data) : data.validationBatches()) {
    const probabilities = cache ? await predictBatchAsync(compiled, batch.x, batch.size, cache.featureShape, cache.head) : await predictBatchAsync(compiled, batch.x, batch.size, inputShape);
    for (let i = 0; i < batch.size; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const truth = batch.y[i]!;
      let best = 0;
      for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
      if (best === truth) correct += 1;
      if (loss === 'mean-squared-error') {
        let s = 0;
        for (let c = 0; c < classes; c++) s += (row[c]! - (c === truth ? 1 : 0)) ** 2;
        sum += s / classes;
      } else {
        sum += -Math.log(Math.min(Math.max(row[truth]!, 1e-7), 1 - 1e-7));
      }
    }
    seen += batch.size;
  }
  return { loss: sum / Math.max(seen, 1), accuracy: correct / Math.max(seen, 1) };
}

/**
 * A run that ends in an error (a full disk, images that cannot be read) says so in run.json, so it is
 * never taken for a live or a crashed run. A NaN loss has marked it already; a disk too full for even
 * this small write leaves it to the parent, which marks the run when the engine is gone.
 */
async function markFailed(writer: RunRecordWriter, error: unknown): Promise<void> {
  if (writer.record.status !== 'running') return;
  const message = error instanceof StudioError ? error.message : `Training failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
  await writer.update({ status: 'failed', message, finishedAt: new Date().toISOString(), finalWeights: writer.record.checkpoints.at(-1) ?? null, pid: null }).catch(() => undefined);
}

/** A run that ran out of (GPU) memory: the sentence names the batch and input size; the last checkpoint is kept. */
function outOfMemoryFailure(error: unknown, writer: RunRecordWriter, backend: BackendRecord, batchSize: number, data: TrainingData, runDir: string): StudioError {
  const p = data.preprocessing;
  return outOfMemoryError(error, {
    backend: backend.label,
    gpu: backend.gpu,
    batchSize,
    input: [p.height, p.width, p.channels],
    runDir,
    lastCheckpoint: writer.record.checkpoints.at(-1) ?? null,
    epochsCompleted: writer.record.epochsCompleted,
  });
}

async function failOnNonFinite(runDir: string, writer: RunRecordWriter, epoch: number, batch: number, rate: number, data: TrainingData): Promise<never> {
  const unnormalised = data.preprocessing.scale === 1 && data.preprocessing.std.every((s) => s === 1);
  const cause = unnormalised
    ? 'the input is not normalised (pixel values up to 255 reach the network)'
    : `the learning rate (${rate}) is probably too high`;
  const message = `The loss became NaN or infinite in epoch ${epoch}, batch ${batch}: ${cause}.`;
  const last = writer.record.checkpoints.at(-1) ?? null;
  await writer.update({ status: 'failed', message, finishedAt: new Date().toISOString(), finalWeights: last, pid: null });
  throw new StudioError('training-failed', message, {
    hint: `${unnormalised ? 'Use the pixel/255 or dataset-mean-std normalisation' : 'Lower the learning rate (try a tenth)'}; ${last ? `the last good checkpoint (${last}) is kept in ${runDir}.` : 'no epoch had completed, so there is no checkpoint.'}`,
    where: runDir,
  });
}
