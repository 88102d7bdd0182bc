import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/main/cli/cli';
import { parseProject } from '../../../src/shared/project/codec';
import { cli } from './cli-runner';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-new-'));
});

describe('cnn-studio templates', () => {
  it('lists_every_template_as_json', async () => {
    const r = await cli(['templates', '--json']);
    const list = JSON.parse(r.stdout);
    expect(list.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['lenet5', 'alexnet', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'googlenet', 'resnet18', 'resnet34', 'resnet50']));
    expect(list[0]).toEqual({
      name: 'lenet5',
      label: 'LeNet-5',
      description: expect.any(String),
      reference: expect.any(String),
      input: '32x32x1',
      classes: 10,
      small: true,
      params: { trainable: 61706, nonTrainable: 0, total: 61706 },
    });
  });
  it('prints_a_table', async () => expect((await cli(['templates'])).stdout).toMatch(/resnet50\s+ResNet-50\s+224x224x3\s+1000\s+25,557,032/));
});

describe('cnn-studio new', () => {
  it('writes_a_laid_out_project', async () => {
    const file = join(dir, 'lenet.cnnstudio');
    const r = await cli(['new', '--template', 'lenet5', '--input', '28x28x1', '--classes', '10', '-o', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file, template: 'lenet5', input: '28x28x1', classes: 10, params: { trainable: 61706, nonTrainable: 0, total: 61706 } });
    const project = parseProject(await readFile(file, 'utf8'), file);
    expect(project.name).toBe('lenet');
    expect(project.graph.nodes.every((n) => n.position)).toBe(true);
  });
  it('adds_the_extension_and_refuses_to_overwrite', async () => {
    expect((await cli(['new', '--template', 'lenet5', '-o', join(dir, 'plain')])).code).toBe(0);
    const again = await cli(['new', '--template', 'lenet5', '-o', join(dir, 'plain.cnnstudio')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists. Choose another name, or add --force to overwrite it.');
    expect((await cli(['new', '--template', 'lenet5', '-o', join(dir, 'plain.cnnstudio'), '--force'])).code).toBe(0);
  });
  it('refuses_a_template_that_does_not_fit_the_input', async () => {
    const r = await cli(['new', '--template', 'alexnet', '--input', '32x32x3', '-o', join(dir, 'a.cnnstudio')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The AlexNet template does not fit a 32x32x3 input');
    expect(r.stderr).toContain('alexnet-small');
  });
  it('needs_an_output_file', async () => expect((await cli(['new', '--template', 'lenet5'])).stderr).toContain('needs -o FILE'));
  it('reports_an_unwritable_path', async () => {
    const notAFolder = join(dir, 'file.txt');
    await writeFile(notAFolder, 'x');
    const r = await cli(['new', '--template', 'lenet5', '-o', join(notAFolder, 'x.cnnstudio')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*x\.cnnstudio cannot be written: a folder on its path does not exist or is a file\. Choose an existing folder\./);
  });
});

describe('every command', () => {
  it('has_help', async () => {
    for (const c of COMMANDS) {
      const r = await cli([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout, c.name).toContain(`Usage: ${c.usage}`);
    }
    expect((await cli(['--help'])).stdout).toContain('Commands:');
    expect((await cli(['frob'])).stderr).toBe('Error: "frob" is not a cnn-studio command. Run "cnn-studio --help" for the list.\n');
  });
});
