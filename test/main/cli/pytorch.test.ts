import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedWeightShapes } from '../../../src/main/services/export/pytorch';
import { writeProjectFile } from '../../../src/main/services/project/project-files';
import { listProjectRuns } from '../../../src/main/services/runs/project-runs';
import { RUN_FILES, readRunArtifacts, readRunRecord, writeRunJson } from '../../../src/main/services/runs/run-folder';
import { writeWeightsFolder } from '../../../src/main/services/runs/weights-folder';
import type { ModelGraph } from '../../../src/shared/graph/model-graph';
import { resolvePreprocessing } from '../../../src/shared/project/preprocessing';
import { createProject } from '../../../src/shared/project/project';
import { runEventSchema } from '../../../src/shared/run/run-events';
import type { RunRecord } from '../../../src/shared/run/run-record';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import type { WeightSet } from '../../../src/shared/weights';
import { runCliProcess } from '../../support/cli-process';
import { SAMPLE_DATASET, removeDir, tempDir } from '../../support/training-fixtures';
import { runPython, torchPythonForTests } from '../services/export/pytorch/support/torch-python';
import { graphOf } from '../services/export/pytorch/support/kind-graphs';
import { cli } from './cli-runner';

// `cnn-studio export --format pytorch` and `cnn-studio import-run`, in process.
const SAMPLE_PROJECT = resolve(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');
const LABELS = ['cat', 'dog', 'fox'];

let root: string;

beforeAll(async () => {
  root = await tempDir('pytorch-cli');
});

afterAll(async () => {
  await removeDir(root);
});

function tinyGraph(): ModelGraph {
  return graphOf([
    ['input', 'Input', { height: 6, width: 6, channels: 1 }, []],
    ['conv', 'Conv2D', { filters: 2, kernelSize: 3, padding: 'same' }, ['input']],
    ['flatten', 'Flatten', {}, ['conv']],
    ['output', 'Output', { classes: LABELS.length }, ['flatten']],
  ]);
}

/** Weights of the right shapes with recognisable values. */
function weightsFor(graph: ModelGraph): WeightSet {
  const out: WeightSet = {};
  for (const node of analyzeGraph(graph).flat!.nodes) {
    for (const [role, shape] of Object.entries(expectedWeightShapes(node))) {
      const size = shape!.reduce((a, b) => a * b, 1);
      (out[node.id] ??= {})[role as 'kernel'] = { shape: shape!, values: Float32Array.from({ length: size }, (_, i) => Math.sin(i + 1) / 4) };
    }
  }
  return out;
}

/** A run folder as train.py (or the studio) leaves it. */
async function writeRun(dir: string, options: { status?: RunRecord['status']; final?: boolean; projectPath?: string | null } = {}): Promise<void> {
  const graph = tinyGraph();
  const project = createProject('Tiny net', graph);
  const weights = weightsFor(graph);
  await writeProjectFile(join(dir, RUN_FILES.project), project);
  await writeRunJson(dir, RUN_FILES.labels, LABELS);
  await writeRunJson(dir, RUN_FILES.preprocessing, resolvePreprocessing('pixel/255', { height: 6, width: 6, channels: 1 }, 'stretch'));
  await writeWeightsFolder(join(dir, 'checkpoints', 'epoch-0001'), weights);
  if (options.final !== false) await writeWeightsFolder(join(dir, RUN_FILES.weights), weights);
  const epoch = { type: 'epoch', epoch: 1, epochs: 3, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, imagesPerSecond: 10, seconds: 1, learningRate: 0.001, eta: 2, best: true };
  await writeFile(join(dir, RUN_FILES.metrics), `${JSON.stringify(epoch)}\n{"type":"epo`);
  const record: RunRecord = {
    format: 'cnn-studio/run',
    version: 1,
    id: 'cluster',
    kind: 'imported',
    projectName: 'Tiny net',
    projectPath: options.projectPath ?? '/cluster/home/tiny.cnnstudio',
    status: options.status ?? 'completed',
    message: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T11:00:00.000Z',
    finishedAt: options.status === 'running' ? null : '2026-11-20T11:00:00.000Z',
    backend: { name: 'pytorch', label: 'PyTorch 2.3.1 on CUDA, NVIDIA A100 (8 processes, nccl, mixed precision)', reason: 'torchrun', gpu: 'NVIDIA A100', versions: { torch: '2.3.1' } },
    pid: null,
    training: { ...project.training, backend: 'pytorch' },
    datasetPath: '/cluster/data/images',
    epochsPlanned: 3,
    epochsCompleted: 1,
    bestEpoch: 1,
    checkpoints: ['checkpoints/epoch-0001'],
    finalWeights: options.final === false ? null : RUN_FILES.weights,
  };
  await writeRunJson(dir, RUN_FILES.record, record);
}

describe('cnn-studio export --format pytorch', () => {
  it('writes_a_package_for_a_project', async () => {
    const out = join(root, 'sample-package');
    const r = await cli(['export', SAMPLE_PROJECT, '--format', 'pytorch', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.format).toBe('pytorch');
    expect(json.files).toEqual(
      expect.arrayContaining(['model.py', 'train.py', 'data.py', 'export_onnx.py', 'studio_format.py', 'cnn_studio.json', 'project.cnnstudio', 'README.md', 'requirements.txt', 'slurm/train.sbatch', 'kubernetes/pytorchjob.yaml', 'preprocessing.json']),
    );
    expect(json.files).not.toContain('weights/weights.json');
    expect(json.warnings.join(' ')).toContain("PyTorch's initialisation");
    const config = JSON.parse(await readFile(join(out, 'cnn_studio.json'), 'utf8'));
    expect(config).toMatchObject({ classes: 10, startWeights: null, labels: null, params: { trainable: 61706, nonTrainable: 0, total: 61706 }, projectPath: SAMPLE_PROJECT });
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('torchrun --standalone --nproc_per_node=N train.py --data');
    expect(readme).toContain('--rdzv-endpoint=HOST:29500');
    expect(readme).toContain('cnn-studio import-run');
    expect(await readFile(join(out, 'slurm/train.sbatch'), 'utf8')).toMatch(/#SBATCH --nodes=[\s\S]*srun [\s\S]*torchrun[\s\S]*--resume/);
    expect(await readFile(join(out, 'kubernetes/pytorchjob.yaml'), 'utf8')).toMatch(/kind: PyTorchJob[\s\S]*Master:[\s\S]*Worker:/);
    expect(await readFile(join(out, 'requirements.txt'), 'utf8')).toContain('torch>=1.13');
  });

  it('the_package_is_valid_python', async (ctx) => {
    const { python, reason } = await torchPythonForTests();
    if (!python) ctx.skip(reason);
    const out = join(root, 'sample-package');
    const compiled = await runPython(python!, ['-m', 'py_compile', 'model.py', 'train.py', 'data.py', 'studio_format.py', 'export_onnx.py'], { cwd: out });
    expect(compiled.stderr).toBe('');
    const help = await runPython(python!, ['train.py', '--help'], { cwd: out });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--resume');
  });

  it('starts_from_a_runs_trained_weights', async () => {
    const run = join(root, 'laptop-run');
    await writeRun(run);
    const out = join(root, 'run-package');
    const r = await cli(['export', run, '--format', 'pytorch', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Exported ${out} (PyTorch training package`);
    expect(r.stdout).toContain('torchrun --standalone');
    expect((await readdir(join(out, 'weights'))).sort()).toEqual(['weights.bin', 'weights.json']);
    expect(JSON.parse(await readFile(join(out, 'labels.json'), 'utf8'))).toEqual(LABELS);
    const config = JSON.parse(await readFile(join(out, 'cnn_studio.json'), 'utf8'));
    expect(config).toMatchObject({ source: { kind: 'run', path: run }, startWeights: 'weights', labels: LABELS, preprocessing: { scale: 1 / 255 } });
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain('continues what the laptop began');
    // Exporting again replaces the previous package whole.
    expect((await cli(['export', run, '--format', 'pytorch', '--out', out])).code).toBe(0);
  });

  it('refuses_a_folder_that_holds_other_files_and_leaves_it_alone', async () => {
    const out = join(root, 'photos');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'holiday.jpg'), 'not mine');
    const r = await cli(['export', SAMPLE_PROJECT, '--format', 'pytorch', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${out} already exists and holds other files than a PyTorch training package.`);
    expect(await readdir(out)).toEqual(['holiday.jpg']);
  });

  it('an_unwritable_folder_is_a_clear_error_and_leaves_nothing', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const before = (await readdir(root)).sort();
    const r = await cli(['export', SAMPLE_PROJECT, '--format', 'pytorch', '--out', join(file, 'package')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot be written');
    expect(r.stderr).not.toContain('    at ');
    expect((await readdir(root)).sort()).toEqual(before);
  });

  it('a_graph_with_errors_is_refused_before_anything_is_written', async () => {
    const project = join(root, 'broken.cnnstudio');
    const graph = tinyGraph();
    // A Dense layer on a feature map: a shape error on the canvas.
    graph.nodes.push({ id: 'dense_on_map', kind: 'Dense', params: { units: 4 } });
    graph.edges.push({ from: 'conv', to: 'dense_on_map' });
    await writeProjectFile(project, createProject('Broken', graph));
    const out = join(root, 'broken-package');
    const r = await cli(['export', project, '--format', 'pytorch', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot be exported');
    expect(r.stderr).toContain('dense_on_map: Dense needs a vector');
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('onnx_options_are_refused', async () => {
    const r = await cli(['export', SAMPLE_PROJECT, '--format', 'pytorch', '--out', join(root, 'x'), '--opset', '13']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--opset apply to ONNX exports only');
  });
});

describe('cnn-studio import-run', () => {
  it('copies_a_cluster_run_into_the_projects_runs', async () => {
    const projectDir = join(root, 'studio');
    const project = join(projectDir, 'tiny.cnnstudio');
    await writeProjectFile(project, createProject('Tiny net', tinyGraph()));
    const cluster = join(root, 'cluster-copy');
    await writeRun(cluster);
    const r = await cli(['import-run', cluster, '--project', project, '--data', SAMPLE_DATASET, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ inPlace: false, projectPath: project, status: 'completed', epochs: 1, weightsFrom: 'weights', events: 1 });
    expect(json.runDir.startsWith(join(projectDir, 'tiny.runs'))).toBe(true);
    expect(json.warnings.join(' ')).toContain('could not be read');
    const runs = await listProjectRuns(join(projectDir, 'tiny.runs'));
    expect(runs.map((s) => s.runDir)).toEqual([json.runDir]);
    expect(runs[0]).toMatchObject({ status: 'completed', backend: expect.stringContaining('PyTorch'), hasWeights: true, last: { epoch: 1 } });
    const record = await readRunRecord(json.runDir);
    expect(record).toMatchObject({ kind: 'imported', datasetPath: SAMPLE_DATASET, projectPath: project });
    // The cluster's folder is left as it was.
    expect((await readRunRecord(cluster)).datasetPath).toBe('/cluster/data/images');
  });

  it('an_unfinished_job_becomes_a_stopped_run_at_its_last_checkpoint', async () => {
    const cluster = join(root, 'unfinished');
    await writeRun(cluster, { status: 'running', final: false });
    const r = await cli(['import-run', cluster, '--in-place']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('not on this machine');
    const record = await readRunRecord(cluster);
    expect(record).toMatchObject({ status: 'stopped', finalWeights: 'checkpoints/epoch-0001', pid: null });
    expect(record.message).toContain('before its job had finished');
  });

  it('damaged_weights_are_refused_and_nothing_is_copied', async () => {
    const cluster = join(root, 'damaged');
    await writeRun(cluster);
    await writeFile(join(cluster, 'weights', 'weights.bin'), new Uint8Array(8));
    const out = join(root, 'damaged-import');
    const r = await cli(['import-run', cluster, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('damaged weights');
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a_folder_that_is_not_a_run_is_named', async () => {
    const r = await cli(['import-run', SAMPLE_DATASET]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${SAMPLE_DATASET} is not a run folder (it has no run.json).`);
  });

  it('one_destination_only', async () => {
    const r = await cli(['import-run', root, '--out', join(root, 'a'), '--in-place']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give one of them');
  });
});

describe('cnn-studio train --backend pytorch', () => {
  it('prints_the_same_events_and_writes_a_run_the_studio_reads', async (ctx) => {
    const { python, reason } = await torchPythonForTests();
    if (!python) ctx.skip(reason);
    const run = join(root, 'engine-run');
    // The built CLI, as a user runs it; one torch thread on this two-core machine.
    process.env.CNN_STUDIO_TORCH_THREADS = '1';
    const r = await runCliProcess(['train', SAMPLE_PROJECT, '--epochs', '1', '--backend', 'pytorch', '--seed', '5', '--out', run, '--json']).finally(() => {
      delete process.env.CNN_STUDIO_TORCH_THREADS;
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((line) => runEventSchema.parse(JSON.parse(line)));
    expect(events[0]).toMatchObject({ type: 'start', backend: { name: 'pytorch' }, trainImages: 800, valImages: 200 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['batch', 'epoch', 'checkpoint']));
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochs: 1, runDir: run });
    const artifacts = await readRunArtifacts(run);
    expect(artifacts.record).toMatchObject({ status: 'completed', kind: 'cnn', pid: null, training: { seed: 5, epochs: 1, backend: 'pytorch' } });
    expect(artifacts.labels).toHaveLength(10);
  });
});

