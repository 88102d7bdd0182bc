import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-runner';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-inspect-'));
});

describe('cnn-studio inspect', () => {
  it('prints_a_table_with_totals', async () => {
    const r = await cli(['inspect', '--template', 'lenet5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/c1\s+Conv2D\s+28x28x6\s+156/);
    expect(r.stdout).toContain('Total parameters: 61,706');
  });

  it('json_matches_the_documented_shape', async () => {
    const r = await cli(['inspect', '--template', 'resnet18', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['layers', 'params', 'warnings', 'errors']);
    expect(report.params).toEqual({ trainable: 11_689_512, nonTrainable: 9_600, total: 11_699_112 });
    expect(report.layers[0]).toEqual({ id: 'input', kind: 'Input', outputShape: [224, 224, 3], params: 0, trainable: 0 });
    expect(report.layers.at(-1)).toMatchObject({ id: 'output', kind: 'Output', outputShape: [1000], params: 513_000 });
    expect(report.warnings[0]).toEqual({ node: 'conv1', code: 'stride-remainder', message: expect.stringContaining('not divisible by the stride 2') });
    expect(report.errors).toEqual([]);
  });

  it('template_options_change_the_network', async () => {
    const r = JSON.parse((await cli(['inspect', '--template', 'lenet5', '--input', '28x28x1', '--classes', '4', '--json'])).stdout);
    expect(r.layers.at(-1).outputShape).toEqual([4]);
  });

  it('graph_errors_exit_2_and_still_print_the_report', async () => {
    const r = await cli(['inspect', '--template', 'alexnet', '--input', '32x32x3', '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.errors).toEqual([{ node: 'pool5', code: 'shape', message: expect.stringContaining('The 3x3 pooling window is larger than the 1x1 input') }]);
  });

  it('reads_project_files', async () => {
    const file = join(dir, 'net.cnnstudio');
    expect((await cli(['new', '--template', 'vgg-small', '-o', file])).code).toBe(0);
    const r = await cli(['inspect', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).params.total).toBe(591_274);
  });

  it('unusable_input_exits_1_with_a_sentence', async () => {
    const missing = await cli(['inspect', join(dir, 'nope.cnnstudio')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`Error: ${join(dir, 'nope.cnnstudio')} does not exist. Check the path.\n`);
    const broken = join(dir, 'broken.cnnstudio');
    await writeFile(broken, '{"format": "cnn-studio/project", "version": 1,');
    const bad = await cli(['inspect', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.cnnstudio is not valid JSON \(line 1, column 47: the text ends too early\)/);
    expect(bad.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('bad_arguments_are_sentences', async () => {
    expect((await cli(['inspect', '--template', 'resnet101'])).stderr).toContain('There is no template named "resnet101". Choose one of: lenet5, alexnet');
    expect((await cli(['inspect', '--template', 'lenet5', '--classes', 'x'])).stderr).toContain('--classes is "x", but it must be a whole number from 2 to 100000.');
    expect((await cli(['inspect', '--frobnicate'])).stderr).toContain('Run "cnn-studio inspect --help" for the options.');
    expect((await cli(['inspect'])).stderr).toContain('Give a project file or --template NAME.');
    expect((await cli(['inspect', '--input', '28x28x1'])).stderr).toContain('--input and --classes apply to a template, but no --template is given.');
  });

  it('json_errors_are_also_json_on_stdout', async () => {
    const r = await cli(['inspect', join(dir, 'nope.cnnstudio'), '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'error', code: 'file-not-found' });
  });
});
