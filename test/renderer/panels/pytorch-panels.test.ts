// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import ExportPanel from '../../../src/renderer/src/panels/export/ExportPanel.vue';
import HyperParameters from '../../../src/renderer/src/panels/training/HyperParameters.vue';
import RunHistory from '../../../src/renderer/src/panels/training/RunHistory.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { useRunsStore } from '../../../src/renderer/src/stores/runs-store';
import { describeTorchPython } from '../../../src/renderer/src/stores/pytorch-store';
import type { RunSummary } from '../../../src/shared/api/methods/runs';
import { StudioError } from '../../../src/shared/errors';
import { fakeStudio } from '../support/fake-studio';
import { RUN, runSummary } from '../support/insight-fixtures';
import { storeWith } from '../support/project-fixtures';

enableAutoUnmount(afterEach);

type Handlers = Parameters<typeof fakeStudio>[0];
const PYTHON = { command: 'python3', executable: '/usr/bin/python3', pythonVersion: '3.11.2', torchVersion: '1.13.0', device: { kind: 'cpu' as const, name: null } };
const HINT = 'Install PyTorch for Python 3 ("python3 -m pip install torch numpy pillow"), or set CNN_STUDIO_PYTHON.';

function setup(component: Parameters<typeof mount>[0], handlers: Handlers = {}, runs: RunSummary[] = [runSummary()]) {
  const project = storeWith();
  const list = [...runs];
  const studio = fakeStudio({ 'runs.list': () => ({ folder: '/p/test.runs', runs: [...list] }), ...handlers });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode: 'browser', nativeDialogs: false, platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  return { project, studio, list, wrapper: mount(component, { attachTo: document.body }) };
}

describe('the PyTorch engine choice', () => {
  it('names_the_python_torch_version_and_device_it_would_use', async () => {
    const { wrapper, studio } = setup(HyperParameters, { 'pytorch.status': () => ({ found: PYTHON, tried: [], hint: HINT }) });
    expect(wrapper.find('[data-testid="pytorch-engine"]').exists()).toBe(false);
    expect(studio.callsOf('pytorch.status')).toEqual([]);
    await wrapper.find('[data-testid="hp-backend"]').setValue('pytorch');
    await flushPromises();
    expect(wrapper.find('[data-testid="pytorch-found"]').text()).toBe('The PyTorch engine runs the exported package with Python 3.11.2 (/usr/bin/python3) with torch 1.13.0, training on the CPU.');
    // Asked once; "Look again" asks again (torch may have been installed meanwhile).
    await wrapper.find('[data-testid="hp-backend"]').setValue('wasm');
    await wrapper.find('[data-testid="hp-backend"]').setValue('pytorch');
    await flushPromises();
    expect(studio.callsOf('pytorch.status')).toHaveLength(1);
    await wrapper.find('[data-testid="pytorch-check"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('pytorch.status')).toHaveLength(2);
  });

  it('says_when_no_python_with_torch_was_found_and_how_to_get_one', async () => {
    const tried = [{ candidate: 'python3', reason: 'Python 3.11.2: torch cannot be imported (ModuleNotFoundError: No module named torch)' }, { candidate: 'python', reason: 'not found' }];
    const { wrapper } = setup(HyperParameters, { 'pytorch.status': () => ({ found: null, tried, hint: HINT }) });
    await wrapper.find('[data-testid="hp-backend"]').setValue('pytorch');
    await flushPromises();
    const note = wrapper.find('[data-testid="pytorch-engine"]');
    expect(note.attributes('data-found')).toBe('false');
    expect(note.find('[data-testid="pytorch-missing"]').text()).toBe('No Python with torch was found, so training with PyTorch would fail.');
    expect(note.text()).toContain(HINT);
    expect(note.findAll('li').map((l) => l.text())).toEqual(['python3: Python 3.11.2: torch cannot be imported (ModuleNotFoundError: No module named torch)', 'python: not found']);
  });

  it('describes_cuda_and_mps_devices', () => {
    expect(describeTorchPython({ found: { ...PYTHON, device: { kind: 'cuda', name: 'NVIDIA A100' } }, tried: [], hint: '' })).toBe('Python 3.11.2 (/usr/bin/python3) with torch 1.13.0, training on CUDA (NVIDIA A100)');
    expect(describeTorchPython({ found: { ...PYTHON, device: { kind: 'mps', name: 'Apple GPU (MPS)' } }, tried: [], hint: '' })).toContain('training on Apple GPU (MPS)');
    expect(describeTorchPython({ found: null, tried: [], hint: '' })).toBeNull();
  });
});

describe('the PyTorch export', () => {
  it('writes_the_package_into_the_run_folder_and_says_how_to_run_it', async () => {
    const howToRun = 'One machine:      torchrun --standalone --nproc_per_node=N train.py --data IMAGES --out RUN';
    const { wrapper, studio } = setup(ExportPanel, {
      'pytorch.export': (p: { out: string }) => ({ dir: p.out, files: ['README.md', 'model.py', 'train.py'], howToRun, warnings: [] }),
    });
    await flushPromises();
    await wrapper.find('[data-testid="format-pytorch"]').setValue(true);
    expect(wrapper.find('[data-testid="pytorch-export-note"]').text()).toContain('train.py for torchrun and DistributedDataParallel');
    expect((wrapper.find('[data-testid="export-path"]').element as HTMLInputElement).value).toBe(`${RUN}/Test-pytorch`);
    await wrapper.find('[data-testid="export-button"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('pytorch.export')).toEqual([{ source: RUN, out: `${RUN}/Test-pytorch` }]);
    expect(studio.callsOf('export.run')).toEqual([]);
    expect(wrapper.find('[data-testid="pytorch-export-dir"]').text()).toBe(`${RUN}/Test-pytorch`);
    expect(wrapper.find('[data-testid="pytorch-how-to-run"]').text()).toBe(howToRun);
  });

  it('shows_why_a_package_could_not_be_written', async () => {
    const { wrapper } = setup(ExportPanel, {
      'pytorch.export': () => Promise.reject(new StudioError('invalid-graph', 'Layer d1 is a DepthwiseConv2D, which the PyTorch package cannot write yet.', { hint: 'Export to ONNX instead.' })),
    });
    await flushPromises();
    await wrapper.find('[data-testid="format-pytorch"]').setValue(true);
    await wrapper.find('[data-testid="export-button"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="pytorch-export-error"]').text()).toBe('Layer d1 is a DepthwiseConv2D, which the PyTorch package cannot write yet. Export to ONNX instead.');
  });
});

describe('opening a run from elsewhere', () => {
  it('copies_the_run_into_the_projects_runs_and_selects_it', async () => {
    const IMPORTED = '/p/test.runs/2026-11-26_09-00-00';
    let list: RunSummary[] = [];
    const { wrapper, studio, list: runs } = setup(RunHistory, {
      'pytorch.importRun': () => {
        list.push(runSummary({ runDir: IMPORTED, id: '2026-11-26_09-00-00', kind: 'imported', backend: 'PyTorch 2.3.1 on CUDA, NVIDIA A100 (8 processes, nccl)' }));
        return { runDir: IMPORTED, projectName: 'Test', status: 'completed', epochsCompleted: 30, epochsPlanned: 30, backend: 'PyTorch 2.3.1 on CUDA', weightsFrom: 'weights', warnings: ['The run was trained on /data/cluster, which is not on this machine.'] };
      },
    });
    list = runs;
    await flushPromises();
    await wrapper.find('[data-testid="open-run-toggle"]').trigger('click');
    const dir = wrapper.find('[data-testid="open-run-dir"]');
    await dir.setValue('/mnt/cluster/run-7');
    await dir.trigger('blur');
    const data = wrapper.find('[data-testid="open-run-data"]');
    await data.setValue('/data/local');
    await data.trigger('blur');
    await wrapper.find('[data-testid="open-run"]').trigger('submit');
    await flushPromises();
    expect(studio.callsOf('pytorch.importRun')).toEqual([{ dir: '/mnt/cluster/run-7', projectPath: '/tmp/test.cnnstudio', projectName: 'Test', runsFolder: null, dataPath: '/data/local' }]);
    expect(useRunsStore().selected).toBe(IMPORTED);
    const rows = wrapper.findAll('[data-testid="run-row"]');
    expect(rows.map((r) => r.attributes('data-run-dir'))).toEqual([RUN, IMPORTED]);
    expect(rows[1]!.find('[data-testid="run-kind"]').text()).toBe('imported');
    expect(wrapper.find('[data-testid="open-run"]').exists()).toBe(false);
  });

  it('keeps_the_form_open_with_the_reason_when_the_folder_is_not_a_run', async () => {
    const { wrapper } = setup(RunHistory, {
      'pytorch.importRun': () => Promise.reject(new StudioError('run-invalid', '/tmp/photos is not a run folder (it has no run.json).', { hint: 'Give the folder that train.py wrote with --out.' })),
    });
    await flushPromises();
    await wrapper.find('[data-testid="open-run-toggle"]').trigger('click');
    const dir = wrapper.find('[data-testid="open-run-dir"]');
    await dir.setValue('/tmp/photos');
    await dir.trigger('blur');
    await wrapper.find('[data-testid="open-run-button"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="open-run-error"]').text()).toBe('/tmp/photos is not a run folder (it has no run.json). Give the folder that train.py wrote with --out.');
  });

  it('marks_baseline_runs_in_the_history', async () => {
    const { wrapper } = setup(RunHistory, {}, [runSummary(), runSummary({ runDir: '/p/test.runs/b', id: 'b', kind: 'baseline', projectName: 'HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys) baseline for Test' })]);
    await flushPromises();
    expect(wrapper.findAll('[data-testid="run-kind"]').map((k) => [k.text(), k.attributes('title')])).toEqual([['baseline', 'HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys) baseline for Test']]);
  });
});
