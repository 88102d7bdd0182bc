import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../src/main/services/project/project-files';
import { trainRun } from '../../../src/main/services/training/trainer';
import type { RunEvent } from '../../../src/shared/run/run-events';
import { runEventSchema } from '../../../src/shared/run/run-events';
import { buildTemplate } from '../../../src/shared/templates';
import { runCliProcess } from '../../support/cli-process';
import { recordingContext, removeDir, sampleSubset, smallProject, tempDir, trainParams } from '../../support/training-fixtures';
import { cli } from './cli-runner';

// `cnn-studio new --from` in-process; `train` with the fine-tuning options through the built CLI (`npm test` builds first).
const FIXTURE_ONNX = join(__dirname, '..', '..', 'fixtures', 'onnx', 'mobilenet_v2-small.onnx');
let root: string;
let eight: string;
let two: string;
let run: string;

beforeAll(async () => {
  root = await tempDir('cli-finetune');
  eight = await sampleSubset(['ankle-boot', 'bag', 'coat', 'dress', 'pullover', 'sandal', 'shirt', 'sneaker'], 12);
  two = await sampleSubset(['t-shirt', 'trouser'], 16);
  run = join(root, 'source-run');
  const graph = buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 8 });
  await trainRun(trainParams(smallProject(graph, { epochs: 1, batchSize: 16 }), run, eight), recordingContext());
}, 120_000);

afterAll(async () => {
  for (const dir of [root, eight, two]) await removeDir(dir);
});

describe('cnn-studio new --from', () => {
  it('from_a_run_prints_the_documented_json', async () => {
    const file = join(root, 'two-classes.cnnstudio');
    const r = await cli(['new', '--from', run, '--classes', '2', '--cut-after', 's4', '--freeze-until', 's4', '-o', file, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result).sort()).toEqual(['cutAfter', 'frozen', 'head', 'layers', 'loaded', 'normalization', 'params', 'project', 'removed', 'source', 'warnings', 'weights', 'withoutWeights'].sort());
    expect(result).toMatchObject({ project: file, weights: join(root, 'two-classes.weights'), source: { kind: 'run', path: run }, cutAfter: 's4', head: ['head_pool', 'head'], normalization: 'pixel/255', frozen: ['c1', 'c3'] });
    expect(result.removed).toEqual(['c5', 'flatten', 'f6', 'output']);
    expect(result.loaded).toEqual(['c1', 'c3']);
    expect(result.withoutWeights).toEqual([{ node: 'head', reason: 'absent', detail: 'head has no weights there' }]);
    expect(result.params.trainable).toBe(16 * 2 + 2);
    const project = await readProjectFile(file);
    expect(project.initialWeights).toEqual({ path: 'two-classes.weights', origin: expect.stringContaining('cut after s4') });
    const again = await cli(['new', '--from', run, '--classes', '2', '-o', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('from_an_onnx_model_takes_the_chosen_normalisation', async () => {
    const file = join(root, 'from-onnx.cnnstudio');
    const r = await cli(['new', '--from', FIXTURE_ONNX, '--classes', '3', '--normalization', 'imagenet-torch', '-o', file, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ source: { kind: 'onnx' }, head: ['head'], normalization: 'imagenet-torch' });
    expect(result.withoutWeights).toEqual([{ node: 'head', reason: 'absent', detail: 'head has no weights there' }]);
    expect((await readProjectFile(file)).dataset.normalization).toBe('imagenet-torch');
    // Without --normalization, the file's silence about its preprocessing is a warning on stderr.
    const plain = await cli(['new', '--from', FIXTURE_ONNX, '--classes', '3', '-o', join(root, 'plain')]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('does not say how its images were normalised');
  });

  it('names_what_is_wrong', async () => {
    const missing = await cli(['new', '--from', run, '--classes', '2', '--cut-after', 'nope', '-o', join(root, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The network has no layer "nope" (--cut-after).');
    expect((await cli(['new', '--from', run, '-o', join(root, 'y')])).stderr).toContain('needs --classes N');
    expect((await cli(['new', '--template', 'lenet5', '--cut-after', 's4', '-o', join(root, 'z')])).stderr).toContain('--cut-after applies to --from');
  });
});

describe('cnn-studio train with fine-tuning options (built CLI)', () => {
  it('freeze_until_and_two_phases_stream_the_phase_and_cache_events', async () => {
    const file = join(root, 'phases.cnnstudio');
    expect((await cli(['new', '--from', run, '--classes', '2', '-o', file])).code).toBe(0);
    const out = join(root, 'phases-run');
    const r = await runCliProcess(['train', file, '--data', two, '--epochs', '2', '--batch', '8', '--backend', 'wasm', '--seed', '1', '--freeze-until', 'f6', '--unfreeze-from', 'c5', '--head-epochs', '1', '--unfreeze-lr-factor', '0.5', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => runEventSchema.parse(JSON.parse(l))) as RunEvent[];
    const statuses = events.filter((e): e is Extract<RunEvent, { type: 'status' }> => e.type === 'status');
    expect(statuses.map((s) => [s.status, s.phase])).toEqual([['feature-cache', 1], ['feature-cache', 2], ['phase-change', 2]]);
    expect(statuses[0]!.featureCache).toEqual({ on: true, node: 'f6' });
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && [e.epoch, e.phase])).toEqual([[1, 1], [2, 2]]);
    const saved = await readProjectFile(join(out, 'project.cnnstudio'));
    expect(saved.training.fineTuning).toMatchObject({ unfreezeFrom: 'c5', headEpochs: 1, learningRateFactor: 0.5 });
    expect(saved.graph.nodes.filter((n) => n.params.trainable === false).map((n) => n.id)).toEqual(['c1', 'c3', 'c5', 'f6']);
  }, 180_000);

  it('refuses_phase_options_without_a_phase_and_an_unknown_layer', async () => {
    const file = join(root, 'phases.cnnstudio');
    const r = await cli(['train', file, '--data', two, '--head-epochs', '2', '--out', join(root, 'never')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs --unfreeze-from NODE');
    const unknown = await cli(['train', file, '--data', two, '--freeze-until', 'c9', '--out', join(root, 'never')]);
    expect(unknown.stderr).toContain('The network has no layer "c9" (--freeze-until).');
  });
});
