import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunRecord } from '../../../../src/main/services/runs/run-folder';
import { readWeightsFolder } from '../../../../src/main/services/runs/weights-folder';
import { trainRun } from '../../../../src/main/services/training/trainer';
import { StudioError } from '../../../../src/shared/errors';
import { buildTemplate } from '../../../../src/shared/templates';
import { chain } from '../../../support/graph-fixtures';
import { batchEvents, epochEvents, recordingContext, sampleSubset, smallProject, tempDir, trainParams } from '../../../support/training-fixtures';

const tinyCnn = () =>
  chain([28, 28, 1], [
    ['conv', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same' }],
    ['pool', 'MaxPool2D'],
    ['flat', 'Flatten'],
  ]);

/** First and last thirds of the batch losses: training should bring the loss down. */
function lossFell(events: Parameters<typeof batchEvents>[0]): { first: number; last: number } {
  const losses = batchEvents(events).map((e) => e.loss);
  const third = Math.max(1, Math.floor(losses.length / 3));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(losses.slice(0, third)), last: mean(losses.slice(-third)) };
}

describe('trainer on the sample dataset', () => {
  it('sequential_net_loss_falls_and_the_run_folder_is_complete', async () => {
    const run = join(await tempDir('run'), 'run');
    const ctx = recordingContext();
    const result = await trainRun(trainParams(smallProject(tinyCnn()), run), ctx);
    expect(result).toEqual({ status: 'completed', runDir: run, epochs: 2, bestEpoch: expect.any(Number) });
    const { first, last } = lossFell(ctx.events);
    expect(last).toBeLessThan(first);
    const epochs = epochEvents(ctx.events);
    expect(epochs).toHaveLength(2);
    expect(epochs[0]).toMatchObject({ epoch: 1, epochs: 2, valLoss: expect.any(Number), valAccuracy: expect.any(Number), imagesPerSecond: expect.any(Number), seconds: expect.any(Number) });
    expect(ctx.events[0]).toMatchObject({ type: 'start', trainImages: 800, valImages: 200, classes: expect.arrayContaining(['bag', 'trouser']), backend: { name: 'wasm' } });
    expect(ctx.events.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochs: 2 });
    const files = await readdir(run);
    expect(files.sort()).toEqual(['checkpoints', 'dataset-report.json', 'initial', 'labels.json', 'metrics.jsonl', 'model', 'preprocessing.json', 'project.cnnstudio', 'run.json', 'weights']);
    expect((await readdir(join(run, 'model'))).sort()).toEqual(['group1-shard1of1.bin', 'labels.json', 'model.json', 'preprocessing.json']);
    expect((await readdir(join(run, 'checkpoints'))).sort()).toEqual(['best', 'epoch-0001', 'epoch-0002']);
    const record = await readRunRecord(run);
    expect(record).toMatchObject({ status: 'completed', epochsCompleted: 2, finalWeights: 'weights', backend: { name: 'wasm', label: expect.stringContaining('WebAssembly') } });
    expect(JSON.parse(await readFile(join(run, 'labels.json'), 'utf8'))).toHaveLength(10);
    expect(JSON.parse(await readFile(join(run, 'preprocessing.json'), 'utf8'))).toEqual({ height: 28, width: 28, channels: 1, resize: 'stretch', scale: 1 / 255, mean: [0], std: [1], channelOrder: 'rgb' });
    const metricLines = (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metricLines.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(Object.keys(await readWeightsFolder(join(run, 'weights')))).toEqual(expect.arrayContaining(['conv', 'output']));
  });

  it('residual_block_trains', async () => {
    const graph = chain([28, 28, 1], [
      ['stem', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same' }],
      ['res', 'Residual', { filters: 8 }],
      ['res2', 'Residual', { filters: 16, strides: 2 }],
      ['gap', 'GlobalAvgPool'],
    ]);
    const ctx = recordingContext();
    await trainRun(trainParams(smallProject(graph, { epochs: 1, optimizer: { type: 'adam', learningRate: 0.01 } as never }), join(await tempDir('run'), 'r')), ctx);
    const { first, last } = lossFell(ctx.events);
    expect(last).toBeLessThan(first);
  });

  it('inception_block_trains', async () => {
    const graph = chain([28, 28, 1], [
      ['stem', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same' }],
      ['pool', 'MaxPool2D'],
      ['inc', 'Inception', { c1x1: 4, c3x3reduce: 4, c3x3: 8, c5x5reduce: 2, c5x5: 4, poolProj: 4 }],
      ['gap', 'GlobalAvgPool'],
    ]);
    const ctx = recordingContext();
    await trainRun(trainParams(smallProject(graph, { epochs: 1, optimizer: { type: 'adam', learningRate: 0.01 } as never }), join(await tempDir('run'), 'r')), ctx);
    const { first, last } = lossFell(ctx.events);
    expect(last).toBeLessThan(first);
  });

  it('same_seed_same_metrics', async () => {
    const graph = chain([28, 28, 1], [['conv', 'Conv2D', { filters: 4, kernelSize: 3 }], ['flat', 'Flatten'], ['drop', 'Dropout', { rate: 0.3 }]]);
    const a = recordingContext();
    const b = recordingContext();
    await trainRun(trainParams(smallProject(graph, { epochs: 1 }), join(await tempDir('run'), 'a')), a);
    await trainRun(trainParams(smallProject(graph, { epochs: 1 }), join(await tempDir('run'), 'b')), b);
    const strip = (events: typeof a.events) => epochEvents(events).map(({ loss, accuracy, valLoss, valAccuracy }) => ({ loss, accuracy, valLoss, valAccuracy }));
    expect(strip(a.events)).toEqual(strip(b.events));
  });

  it('stop_keeps_what_was_trained_and_resume_matches_an_uninterrupted_run', async () => {
    const graph = chain([28, 28, 1], [['conv', 'Conv2D', { filters: 4, kernelSize: 3 }], ['flat', 'Flatten'], ['drop', 'Dropout', { rate: 0.2 }]]);
    const project = smallProject(graph, { epochs: 3 });
    const whole = join(await tempDir('run'), 'whole');
    await trainRun(trainParams(project, whole), recordingContext());

    const parted = join(await tempDir('run'), 'parted');
    const stopping = recordingContext((event, control) => {
      if (event.type === 'batch' && event.epoch === 2 && event.batch === 3) control.stop();
    });
    const stopped = await trainRun(trainParams(project, parted), stopping);
    expect(stopped).toMatchObject({ status: 'stopped', epochs: 1 });
    const record = await readRunRecord(parted);
    expect(record).toMatchObject({ status: 'stopped', epochsCompleted: 1, finalWeights: 'weights' });
    expect(record.message).toContain('during epoch 2');

    const resumed = recordingContext();
    expect(await trainRun(trainParams(project, parted, undefined, true), resumed)).toMatchObject({ status: 'completed', epochs: 3 });
    expect(resumed.events[0]).toMatchObject({ type: 'start', resumedFrom: 1 });
    const a = await readWeightsFolder(join(whole, 'weights'));
    const b = await readWeightsFolder(join(parted, 'weights'));
    for (const node of Object.keys(a)) {
      for (const role of Object.keys(a[node]!) as (keyof (typeof a)[string])[]) {
        expect(Array.from(b[node]![role]!.values), `${node}/${role}`).toEqual(Array.from(a[node]![role]!.values));
      }
    }
  });

  it('pause_and_resume_between_batches', async () => {
    let paused = false;
    const ctx = recordingContext((event, control) => {
      if (event.type === 'batch' && event.batch === 2 && !paused) {
        paused = true;
        control.pause();
        setTimeout(() => control.resume(), 50);
      }
    });
    await trainRun(trainParams(smallProject(tinyCnn(), { epochs: 1 }), join(await tempDir('run'), 'p')), ctx);
    expect(ctx.events.filter((e) => e.type === 'status').map((e) => (e as { status: string }).status)).toEqual(['paused', 'resumed']);
  });

  it('output_classes_must_match_the_dataset', async () => {
    const run = join(await tempDir('run'), 'r');
    const graph = buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 4 });
    const error = await trainRun(trainParams(smallProject(graph), run), recordingContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).sentence).toMatch(/The dataset has 10 classes \(ankle-boot, bag, .*\) but the Output layer output has 4\. Set the Output's classes to 10/);
    await expect(readdir(run)).rejects.toThrow();
  });

  it('empty_class_is_an_error_before_training', async () => {
    const data = await sampleSubset(['bag', 'coat'], 10);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(data, 'dress'));
    const run = join(await tempDir('run'), 'r');
    const graph = chain([28, 28, 1], [['flat', 'Flatten']], { classes: 3 });
    const error = await trainRun(trainParams(smallProject(graph), run, data), recordingContext()).catch((e: unknown) => e);
    expect((error as StudioError).code).toBe('dataset-invalid');
    expect((error as StudioError).sentence).toContain('dress');
    await expect(readdir(run)).rejects.toThrow();
  });

  it('corrupt_and_non_image_files_are_skipped_and_listed', async () => {
    const data = await sampleSubset(['bag', 'coat'], 20);
    await writeFile(join(data, 'bag', 'notes.jpg'), 'this is text');
    const png = await readFile(join(data, 'coat', (await readdir(join(data, 'coat')))[0]!));
    await writeFile(join(data, 'coat', 'broken.png'), png.subarray(0, png.length - 30));
    const run = join(await tempDir('run'), 'r');
    const graph = chain([28, 28, 1], [['flat', 'Flatten']], { classes: 2 });
    const result = await trainRun(trainParams(smallProject(graph, { epochs: 1 }), run, data), recordingContext());
    expect(result.status).toBe('completed');
    const report = JSON.parse(await readFile(join(run, 'dataset-report.json'), 'utf8'));
    const skipped = report.skipped.map((s: { file: string; reason: string }) => s.file).sort();
    expect(skipped).toEqual(['bag/notes.jpg', 'coat/broken.png']);
    expect(report.skipped.every((s: { reason: string }) => s.reason.length > 10)).toBe(true);
  });

  it('a_non_finite_loss_stops_the_run_with_the_likely_cause', async () => {
    const huge = [[[[3e38, 3e38, 3e38], [3e38, 3e38, 3e38], [3e38, 3e38, 3e38]]]];
    const graph = chain([28, 28, 1], [['conv', 'Conv2D', { filters: 1, kernelSize: 3, filterValues: huge, activation: 'linear' }], ['conv2', 'Conv2D', { filters: 1, kernelSize: 3, filterValues: [[[[1, -1, 1], [-1, 1, -1], [1, -1, 1]]]], activation: 'linear' }], ['flat', 'Flatten']]);
    const run = join(await tempDir('run'), 'r');
    const error = await trainRun(trainParams(smallProject(graph, { epochs: 1 }), run), recordingContext()).catch((e: unknown) => e);
    expect((error as StudioError).code).toBe("training-failed");
    expect((error as StudioError).sentence).toMatch(/The loss became NaN or infinite in epoch 1, batch \d+: the learning rate \(0\.001\) is probably too high\. Lower the learning rate/);
    expect(await readRunRecord(run)).toMatchObject({ status: 'failed', finalWeights: null });
  });
});
