// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { suggestedFileName, useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { useProjectStore } from '../../../src/renderer/src/stores/project-store';
import { useUiStore } from '../../../src/renderer/src/stores/ui-store';
import type { AppInfo, ProjectDocument } from '../../../src/shared/api/methods/project';
import { StudioError } from '../../../src/shared/errors';
import { withLayout } from '../../../src/shared/graph/layout';
import { projectToFile } from '../../../src/shared/project/codec';
import { createProject } from '../../../src/shared/project/project';
import { buildTemplate } from '../../../src/shared/templates';
import { fakeClient } from '../support/fake-client';

const info: AppInfo = {
  version: '0.1.0',
  mode: 'browser',
  nativeDialogs: false,
  platform: 'linux',
  sampleProjectPath: '/res/sample.cnnstudio',
  startupProjectPath: null,
};

function lenetDoc(path: string | null): ProjectDocument {
  return { path, project: projectToFile(createProject('LeNet-5', withLayout(buildTemplate('lenet5')))) };
}

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('the project as a file, through the services', () => {
  it('opens_the_startup_project_and_records_it_as_saved', async () => {
    const client = fakeClient({
      'app.info': () => ({ ...info, startupProjectPath: '/res/sample.cnnstudio' }),
      'project.recent': () => ({ paths: ['/res/sample.cnnstudio'] }),
      'project.recovery': () => ({ entries: [] }),
      'project.open': (p) => lenetDoc((p as { path: string }).path),
    });
    useClientStore().setClient(client);
    await useDocumentStore().start();
    const project = useProjectStore();
    expect(project.project.name).toBe('LeNet-5');
    expect(project.path).toBe('/res/sample.cnnstudio');
    expect(project.dirty).toBe(false);
    expect(project.analysis.totals.total).toBe(61706);
    expect(client.calls.map((c) => c.method)).toContain('project.open');
  });

  it('offers_recovery_before_opening_anything', async () => {
    const entry = { key: 'doc-1', path: null, savedAt: '2026-01-01T10:00:00.000Z', project: lenetDoc(null).project };
    useClientStore().setClient(
      fakeClient({
        'app.info': () => ({ ...info, startupProjectPath: '/res/sample.cnnstudio' }),
        'project.recent': () => ({ paths: [] }),
        'project.recovery': () => ({ entries: [entry] }),
      }),
    );
    const documents = useDocumentStore();
    await documents.start();
    expect(useUiStore().dialog).toBe('recovery');
    documents.recover(documents.recovery[0]!);
    const project = useProjectStore();
    expect(project.dirty).toBe(true);
    expect(project.documentKey).toBe('doc-1');
  });

  it('saves_as_then_saves_in_place_and_drops_the_recovery_copy', async () => {
    const client = fakeClient({
      'project.save': (p) => ({ path: (p as { path: string }).path }),
      'project.recent': () => ({ paths: [] }),
      'project.discardRecovery': () => ({}),
      'project.autosave': () => ({ savedAt: '2026-01-01T10:00:00.000Z' }),
    });
    useClientStore().setClient(client);
    const documents = useDocumentStore();
    const project = useProjectStore();
    project.addLayer('Input', { x: 0, y: 0 });
    expect(await documents.save()).toBe(false);
    expect(useUiStore().dialog).toBe('saveAs');
    await documents.autosave();
    expect(client.calls.find((c) => c.method === 'project.autosave')!.params).toMatchObject({ key: project.documentKey, path: null });
    expect(await documents.saveAs('/tmp/net.cnnstudio')).toBe(true);
    expect(project.dirty).toBe(false);
    expect(project.path).toBe('/tmp/net.cnnstudio');
    const saved = client.calls.find((c) => c.method === 'project.save')!.params as { project: { nodes: unknown[]; format: string } };
    expect(saved.project.format).toBe('cnn-studio/project');
    expect(saved.project.nodes).toHaveLength(1);
    expect(client.calls.some((c) => c.method === 'project.discardRecovery')).toBe(true);
    project.setParam('input', 'height', 32);
    expect(await documents.save()).toBe(true);
    expect(client.calls.filter((c) => c.method === 'project.save').at(-1)!.params).toMatchObject({ path: '/tmp/net.cnnstudio' });
  });

  it('shows_a_failed_open_as_the_services_sentence_and_keeps_the_project', async () => {
    useClientStore().setClient(
      fakeClient({
        'project.open': () => {
          throw new StudioError('file-not-found', 'There is no file /nope.cnnstudio.', { hint: 'Check the path.' });
        },
      }),
    );
    const project = useProjectStore();
    const before = project.project;
    expect(await useDocumentStore().open('/nope.cnnstudio')).toBe(false);
    expect(project.project).toBe(before);
    expect(useUiStore().toasts.map((t) => t.text)).toEqual(['There is no file /nope.cnnstudio. Check the path.']);
  });

  it('asks_before_discarding_unsaved_changes', async () => {
    const client = fakeClient({ 'project.sample': () => lenetDoc('/res/sample.cnnstudio') });
    useClientStore().setClient(client);
    const project = useProjectStore();
    const ui = useUiStore();
    project.addLayer('Input', { x: 0, y: 0 });
    const declined = useDocumentStore().openSample();
    expect(ui.dialog).toBe('confirm');
    ui.answerConfirm(false);
    expect(await declined).toBe(false);
    expect(client.calls).toEqual([]);
    const accepted = useDocumentStore().openSample();
    ui.answerConfirm(true);
    expect(await accepted).toBe(true);
    expect(project.project.name).toBe('LeNet-5');
  });

  it('uses_the_hosts_native_dialogs_where_it_has_them', async () => {
    const client = fakeClient({
      'app.info': () => ({ ...info, mode: 'electron', nativeDialogs: true }),
      'project.recent': () => ({ paths: [] }),
      'project.recovery': () => ({ entries: [] }),
      'app.openDialog': () => ({ path: '/home/me/net.cnnstudio' }),
      'project.open': (p) => lenetDoc((p as { path: string }).path),
      'app.saveDialog': () => ({ path: null }),
    });
    useClientStore().setClient(client);
    const documents = useDocumentStore();
    await documents.start();
    expect(await documents.chooseAndOpen()).toBe(true);
    expect(useProjectStore().path).toBe('/home/me/net.cnnstudio');
    // Cancelling the save dialog saves nothing.
    expect(await documents.chooseAndSave()).toBe(false);
    expect(client.calls.map((c) => c.method)).toEqual(['app.info', 'project.recent', 'project.recovery', 'app.openDialog', 'project.open', 'project.recent', 'app.saveDialog']);
    expect(client.calls.find((c) => c.method === 'app.saveDialog')!.params).toEqual({ title: 'Save the project as', defaultPath: '/home/me/net.cnnstudio' });
    expect(useUiStore().dialog).toBeNull();
  });

  it('suggests_a_file_name_from_the_project_name', () => {
    expect(suggestedFileName('My net: v2')).toBe('My-net-v2.cnnstudio');
    expect(suggestedFileName('  ')).toBe('project.cnnstudio');
  });
});
