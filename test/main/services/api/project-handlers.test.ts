import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_EVENTS } from '../../../../src/main/services/api/event-sink';
import { defaultAssetResolver } from '../../../../src/main/services/resources/asset-resolver';
import type { ApiMethodName, ApiParams, ApiRequest, ApiResponse } from '../../../../src/shared/api/contract';
import { API_METHODS } from '../../../../src/shared/api/contract';
import { StudioError } from '../../../../src/shared/errors';
import { parseProject, projectToFile } from '../../../../src/shared/project/codec';
import { createProject } from '../../../../src/shared/project/project';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';
import { buildTemplate, TEMPLATES } from '../../../../src/shared/templates';
import type { HandlerFixture } from './api-fixtures';
import { createHandlerFixture } from './api-fixtures';

let fixture: HandlerFixture;
beforeAll(async () => {
  fixture = await createHandlerFixture();
});
afterAll(() => fixture.cleanup());

/** Calls a handler as dispatch does: parameters through the method's schema first. */
async function call<M extends ApiMethodName>(method: M, params: ApiRequest<M>): Promise<ApiResponse<M>> {
  const parsed = API_METHODS[method].request.parse(params) as ApiParams<M>;
  const handler = fixture.handlers[method] as (p: ApiParams<M>, c: { events: typeof NO_EVENTS }) => unknown;
  const result = await handler(parsed, { events: NO_EVENTS });
  return API_METHODS[method].response.parse(result) as ApiResponse<M>;
}

async function failure<M extends ApiMethodName>(method: M, params: ApiRequest<M>): Promise<StudioError> {
  try {
    await call(method, params);
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error(`${method} did not fail`);
}

describe('templates.list', () => {
  it('lists_every_template_with_the_parameter_total_of_its_defaults', async () => {
    const list = await call('templates.list', {});
    expect(list.map((t) => t.name)).toEqual(TEMPLATES.map((t) => t.name));
    const lenet = list.find((t) => t.name === 'lenet5')!;
    expect(lenet.params.total).toBe(61_706);
    expect(lenet.defaults).toEqual({ input: { height: 32, width: 32, channels: 1 }, classes: 10 });
    const resnet18 = list.find((t) => t.name === 'resnet18')!;
    expect(resnet18.params.total).toBe(analyzeGraph(buildTemplate('resnet18')).totals.total);
  });
});

describe('project.new', () => {
  it('builds_the_template_at_the_requested_size_laid_out_and_unsaved', async () => {
    const doc = await call('project.new', { template: 'lenet5', input: { height: 28, width: 28, channels: 1 }, classes: 3, name: 'Mine' });
    expect(doc.path).toBeNull();
    expect(doc.project.name).toBe('Mine');
    expect(doc.project.nodes.every((n) => n.position)).toBe(true);
    const xs = doc.project.nodes.map((n) => n.position!.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(doc.project.nodes.find((n) => n.kind === 'Output')!.params).toMatchObject({ classes: 3 });
  });

  it('names_the_project_after_the_template_by_default', async () => {
    expect((await call('project.new', { template: 'vgg-small' })).project.name).toBe(TEMPLATES.find((t) => t.name === 'vgg-small')!.label);
  });

  it('refuses_an_unknown_template_and_a_size_the_template_does_not_fit', async () => {
    expect((await failure('project.new', { template: 'lenet6' })).message).toBe('There is no template named "lenet6".');
    const tooSmall = await failure('project.new', { template: 'alexnet', input: { height: 32, width: 32, channels: 3 } });
    expect(tooSmall.code).toBe('invalid-graph');
    expect(tooSmall.message).toMatch(/^The AlexNet template does not fit a 32x32x3 input: /);
    expect(tooSmall.hint).toMatch(/alexnet-small/);
  });
});

describe('project.save and project.open', () => {
  it('saves_then_reopens_the_same_project_and_records_it_as_recent', async () => {
    const project = projectToFile(createProject('round trip', buildTemplate('resnet-small')));
    const saved = await call('project.save', { path: 'saved.cnnstudio', project });
    expect(saved.path).toBe(join(fixture.dir, 'saved.cnnstudio'));
    const reopened = await call('project.open', { path: saved.path });
    expect(reopened).toEqual({ path: saved.path, project });
    expect((await call('project.recent', {})).paths[0]).toBe(saved.path);
  });

  it('refuses_to_save_anything_but_a_cnnstudio_file', async () => {
    const error = await failure('project.save', { path: 'notes.txt', project: projectToFile(createProject('x', buildTemplate('lenet5'))) });
    expect(error.message).toBe(`${join(fixture.dir, 'notes.txt')} does not end in .cnnstudio; projects are saved only as .cnnstudio files.`);
  });

  it('refuses_to_write_a_project_that_would_not_open_again', async () => {
    const project = { ...projectToFile(createProject('x', buildTemplate('lenet5'))), nodes: [{ id: 'a', kind: 'Teleport', params: {} }], edges: [] };
    const error = await failure('project.save', { path: 'bad.cnnstudio', project });
    expect(error.code).toBe('invalid-project');
    expect(error.message).toMatch(/nodes\[0\]\.kind is the unknown layer kind "Teleport"/);
  });

  it('reports_a_damaged_file_with_its_json_path', async () => {
    const file = join(fixture.dir, 'damaged.cnnstudio');
    const project = projectToFile(createProject('x', buildTemplate('lenet5')));
    await writeFile(file, JSON.stringify({ ...project, nodes: [{ ...project.nodes[0], params: { height: 'tall' } }, ...project.nodes.slice(1)] }));
    const error = await failure('project.open', { path: file });
    expect(error.code).toBe('invalid-project');
    expect(error.message).toMatch(/damaged\.cnnstudio: nodes\[0\]\.params/);
  });

  it('forgets_a_recent_file_that_no_longer_exists', async () => {
    await fixture.state.recent.add(join(fixture.dir, 'gone.cnnstudio'));
    expect((await failure('project.open', { path: 'gone.cnnstudio' })).code).toBe('file-not-found');
    expect((await call('project.recent', {})).paths).not.toContain(join(fixture.dir, 'gone.cnnstudio'));
  });
});

describe('the sample project', () => {
  const samplePath = defaultAssetResolver().path('sampleProject');

  it('opens_as_an_unsaved_copy_whose_dataset_paths_point_at_the_shipped_dataset', async () => {
    const doc = await call('project.sample', {});
    expect(doc.path).toBeNull();
    expect(doc.project.name).toBe('LeNet-5 on Fashion-MNIST');
    expect(isAbsolute(doc.project.dataset.path!)).toBe(true);
    expect(doc.project.dataset.path).toBe(defaultAssetResolver().path('sampleDataset'));
    expect(analyzeGraph(parseProject(JSON.stringify(doc.project), 'sample').graph).totals.total).toBe(61_706);
  });

  it('opens_the_same_way_by_its_path_and_is_never_overwritten', async () => {
    const before = await readFile(samplePath, 'utf8');
    const doc = await call('project.open', { path: samplePath });
    expect(doc.path).toBeNull();
    const error = await failure('project.save', { path: samplePath, project: doc.project });
    expect(error.code).toBe('file-unwritable');
    expect(await readFile(samplePath, 'utf8')).toBe(before);
  });
});

describe('recovery copies through the api', () => {
  it('autosaves_lists_and_discards', async () => {
    const project = projectToFile(createProject('unsaved', buildTemplate('lenet5')));
    const { savedAt } = await call('project.autosave', { key: 'window-1', path: null, project });
    expect(Number.isNaN(Date.parse(savedAt))).toBe(false);
    expect((await call('project.recovery', {})).entries).toEqual([{ key: 'window-1', path: null, savedAt, project }]);
    await call('project.discardRecovery', { key: 'window-1' });
    expect((await call('project.recovery', {})).entries).toEqual([]);
  });
});
