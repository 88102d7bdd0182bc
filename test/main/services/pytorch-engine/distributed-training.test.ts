import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../../../src/main/services/export/onnx/onnx-proto';
import { exportPytorchPackage } from '../../../../src/main/services/export/pytorch';
import { readRunEvents } from '../../../../src/main/services/runs/metrics-file';
import { importRun } from '../../../../src/main/services/runs/import-run';
import { readRunArtifacts } from '../../../../src/main/services/runs/run-folder';
import { readWeightsFolder } from '../../../../src/main/services/runs/weights-folder';
import { buildOnnxMetadata } from '../../../../src/shared/onnx/metadata';
import type { RunEvent } from '../../../../src/shared/run/run-events';
import { runCliProcess } from '../../../support/cli-process';
import { SAMPLE_DATASET, removeDir, tempDir } from '../../../support/training-fixtures';
import { maxAbsDiff } from '../export/support/parity';
import type { PythonRun } from '../export/pytorch/support/torch-python';
import { runPython, torchPythonForTests } from '../export/pytorch/support/torch-python';

/**
 * Issue 9 end to end, as a cluster would run it: the sample project exported as a package, LeNet-5
 * trained for two epochs by two Gloo workers started exactly as torchrun starts them (torchrun itself
 * crashes on Debian's torch 1.13 with Python 3.11, see the issue), the run folder imported, evaluated
 * and exported to ONNX by the studio, and the package's own ONNX export checked against PyTorch.
 */
const SAMPLE_PROJECT = resolve(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');
const PREDICT = join(__dirname, '../export/pytorch/support/predict_run.py');

let root: string;
let pkg: string;
let cluster: string;
let reason = '';
let workers: PythonRun[] = [];
let events: RunEvent[] = [];

/** A TCP port nobody listens on now (MASTER_PORT). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

beforeAll(async () => {
  const { python, reason: why } = await torchPythonForTests();
  if (!python) {
    reason = why;
    console.warn(`Distributed PyTorch tests skipped: ${why}`);
    return;
  }
  root = await tempDir('pytorch-ddp');
  pkg = join(root, 'package');
  cluster = join(root, 'cluster-run');
  await exportPytorchPackage({ source: SAMPLE_PROJECT, out: pkg, producerVersion: '0.1.0' });
  const port = String(await freePort());
  const args = [join(pkg, 'train.py'), '--data', SAMPLE_DATASET, '--out', cluster, '--epochs', '2', '--threads', '1', '--workers', '0', '--batch-event-ms', '0', '--rank-weights', join(root, 'replicas')];
  // torchrun's environment contract, one process per rank.
  workers = await Promise.all(
    [0, 1].map((rank) =>
      runPython(python, args, { cwd: root, env: { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '2', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: port } }),
    ),
  );
  for (const w of workers) if (w.code !== 0) throw new Error(`a worker failed (exit ${w.code}):\n${w.stderr}`);
  events = (await readRunEvents(cluster)).events;
}, 300_000);

afterAll(async () => {
  if (root) await removeDir(root);
});

describe('two Gloo workers train the exported LeNet-5', () => {
  it('the_loss_falls_over_two_epochs', async (ctx) => {
    if (!workers.length) ctx.skip(reason);
    const start = events.find((e) => e.type === 'start');
    expect(start).toMatchObject({ type: 'start', trainImages: 800, valImages: 200, epochs: 2, batchSize: 32, params: { trainable: 61706, nonTrainable: 0, total: 61706 } });
    expect(start?.type === 'start' && start.backend.label).toContain('2 processes, gloo');
    const epochs = events.filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(epochs[1]!.valLoss!).toBeLessThan(epochs[0]!.valLoss!);
    const batches = events.filter((e): e is Extract<RunEvent, { type: 'batch' }> => e.type === 'batch');
    // 800 images in global batches of 32 (16 per worker): 25 steps an epoch.
    expect(batches.filter((b) => b.epoch === 1).map((b) => b.batch)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochs: 2 });
  });

  it('both_workers_end_with_identical_weights', async (ctx) => {
    if (!workers.length) ctx.skip(reason);
    const [a, b] = await Promise.all([0, 1].map((rank) => readWeightsFolder(join(root, 'replicas', `rank-${rank}`))));
    expect(Object.keys(a!).sort()).toEqual(['c1', 'c3', 'c5', 'f6', 'output']);
    for (const [id, roles] of Object.entries(a!)) {
      for (const [role, tensor] of Object.entries(roles)) expect(maxAbsDiff(tensor!.values, b![id]![role as 'kernel']!.values), `${id}/${role}`).toBe(0);
    }
    // And they are what rank 0 wrote into the run folder.
    const final = await readWeightsFolder(join(cluster, 'weights'));
    expect(maxAbsDiff(final.c1!.kernel!.values, a!.c1!.kernel!.values)).toBe(0);
  });

  it('the_run_imports_evaluates_and_exports_like_a_local_run', async (ctx) => {
    if (!workers.length) ctx.skip(reason);
    const imported = join(root, 'imported');
    const result = await importRun(cluster, { out: imported });
    expect(result.record).toMatchObject({ kind: 'imported', status: 'completed', epochsCompleted: 2, bestEpoch: 2, finalWeights: 'weights', pid: null });
    expect(result.record.backend.name).toBe('pytorch');
    expect(result.events).toBe(events.length);
    const artifacts = await readRunArtifacts(imported);
    expect(artifacts.labels).toHaveLength(10);

    const evaluation = await runCliProcess(['evaluate', imported, '--data', SAMPLE_DATASET, '--json']);
    expect(evaluation.stderr).toBe('');
    const report = JSON.parse(evaluation.stdout);
    expect(report.images).toBe(300);
    expect(report.accuracy).toBeGreaterThan(0.3);

    // The studio's ONNX export of the imported run, and the package's own, both equal the PyTorch model.
    const { python } = await torchPythonForTests();
    const images = Float32Array.from({ length: 4 * 28 * 28 }, (_, i) => ((i * 7919) % 255) / 255);
    await writeFile(join(root, 'images.bin'), Buffer.from(images.buffer));
    const predicted = await runPython(python!, [PREDICT, pkg, imported, join(root, 'images.bin'), '4', join(root, 'torch.bin')]);
    expect(predicted.stderr).toBe('');
    const torchBytes = await readFile(join(root, 'torch.bin'));
    const torchOut = new Float32Array(torchBytes.buffer, torchBytes.byteOffset, 40);

    const studioOnnx = join(root, 'studio.onnx');
    const exported = await runCliProcess(['export', imported, '--format', 'onnx', '--out', studioOnnx]);
    expect(exported.code).toBe(0);
    const packageOnnx = join(root, 'package.onnx');
    const own = await runPython(python!, [join(pkg, 'export_onnx.py'), '--run', imported, '--out', packageOnnx], { cwd: pkg });
    expect(own.code, own.stderr).toBe(0);
    for (const file of [studioOnnx, packageOnnx]) {
      const session = await ort.InferenceSession.create(file);
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', images, [4, 1, 28, 28]) });
      expect(maxAbsDiff(out[session.outputNames[0]!]!.data as Float32Array, torchOut), file).toBeLessThanOrEqual(1e-4);
      await session.release();
    }
    // export_onnx.py writes the studio exporter's metadata_props.
    const model = decodeModelProto(new Uint8Array(await readFile(packageOnnx)), 'package.onnx');
    expect(model.producerName).toBe('cnn-studio');
    const expected = buildOnnxMetadata({ labels: artifacts.labels, preprocessing: artifacts.preprocessing, layout: 'nchw', input: { height: 28, width: 28, channels: 1 }, logits: false });
    expect(model.metadataProps).toEqual(expected);
  });
});
