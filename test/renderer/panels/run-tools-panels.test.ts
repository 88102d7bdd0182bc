// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import EvaluationPanel from '../../../src/renderer/src/panels/evaluation/EvaluationPanel.vue';
import ExportPanel from '../../../src/renderer/src/panels/export/ExportPanel.vue';
import PredictionPanel from '../../../src/renderer/src/panels/prediction/PredictionPanel.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { mostConfused } from '../../../src/renderer/src/stores/evaluation-store';
import { uploadBatches } from '../../../src/renderer/src/stores/prediction-store';
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspace-store';
import type { EvaluationResult } from '../../../src/shared/api/methods/evaluation';
import type { RunSummary } from '../../../src/shared/api/methods/runs';
import { StudioError } from '../../../src/shared/errors';
import { fakeStudio } from '../support/fake-studio';
import { storeWith } from '../support/project-fixtures';

// Each test's window goes away with it: nothing of one test listens during the next.
enableAutoUnmount(afterEach);

const RUN = '/p/test.runs/2026-11-25_10-00-00';
const run = (patch: Partial<RunSummary> = {}): RunSummary => ({
  runDir: RUN,
  id: '2026-11-25_10-00-00',
  projectName: 'Shapes net',
  status: 'completed',
  message: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  finishedAt: null,
  epochsPlanned: 3,
  epochsCompleted: 3,
  bestEpoch: 3,
  backend: 'WebAssembly',
  datasetPath: '/data',
  last: { epoch: 3, loss: 0.2, accuracy: 0.9, valLoss: 0.3, valAccuracy: 0.8 },
  best: null,
  hasWeights: true,
  live: false,
  ...patch,
});

function evaluation(): EvaluationResult {
  const classes = ['circle', 'square', 'star'];
  return {
    report: {
      accuracy: 0.8,
      loss: 0.51,
      images: 30,
      classes,
      confusion: [
        [9, 1, 0],
        [4, 6, 0],
        [0, 1, 9],
      ],
      perClass: [
        { class: 'circle', precision: 9 / 13, recall: 0.9, f1: 0.78, support: 10 },
        { class: 'square', precision: 0.75, recall: 0.6, f1: 0.667, support: 10 },
        { class: 'star', precision: 1, recall: 0.9, f1: 0.947, support: 10 },
      ],
      worst: [{ file: '/data/val/square/s7.png', label: 'square', predicted: 'circle', confidence: 0.91, probabilities: [0.91, 0.08, 0.01] }],
      cells: [
        [Array.from({ length: 9 }, (_, i) => `/data/val/circle/c${i}.png`), ['/data/val/circle/c9.png'], []],
        [['/data/val/square/s0.png', '/data/val/square/s1.png', '/data/val/square/s2.png', '/data/val/square/s7.png'], Array.from({ length: 6 }, (_, i) => `/data/val/square/q${i}.png`), []],
        [[], ['/data/val/star/t0.png'], Array.from({ length: 9 }, (_, i) => `/data/val/star/t${i + 1}.png`)],
      ],
      skipped: [],
      dataPath: '/data',
      weightsFrom: 'weights',
    },
    source: 'validation',
    split: 'val',
    cellsTruncated: false,
    seconds: 1.2,
  };
}

function setup(component: Parameters<typeof mount>[0], handlers: Parameters<typeof fakeStudio>[0], mode: 'browser' | 'electron' = 'browser', runs = [run()]) {
  storeWith();
  const studio = fakeStudio({
    'runs.list': () => ({ folder: '/p/test.runs', runs }),
    'dataset.thumbnails': (p: { files: string[] }) => ({ images: p.files.map((file) => ({ file, png: 'iVBORw0KGgo=' })) }),
    ...handlers,
  });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode, nativeDialogs: mode === 'electron', platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  return { studio, wrapper: mount(component, { attachTo: document.body }) };
}

describe('the evaluation view', () => {
  it('evaluates_the_chosen_run_and_shows_accuracy_the_confusion_heatmap_and_per_class_metrics', async () => {
    const { wrapper, studio } = setup(EvaluationPanel, { 'evaluation.run': () => evaluation() });
    await flushPromises();
    expect((wrapper.find('[data-testid="run-picker"]').element as HTMLSelectElement).value).toBe(RUN);
    await wrapper.find('[data-testid="evaluate-button"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('evaluation.run')).toEqual([{ runDir: RUN, source: 'validation' }]);
    expect(wrapper.find('[data-testid="evaluation-accuracy"]').text()).toBe('80.00%');
    expect(wrapper.find('[data-testid="evaluation-summary"]').text()).toContain('accuracy on 30 images of the validation split (loss 0.5100; weights: weights; 1.2 s)');
    const cells = wrapper.findAll('[data-testid="confusion-cell"]');
    expect(cells.map((c) => c.attributes('data-count'))).toEqual(['9', '1', '0', '4', '6', '0', '0', '1', '9']);
    // Right answers green, confusions red, the strength by the share of the row.
    expect(cells[0]!.attributes('style')).toContain('hsla(140');
    expect(cells[3]!.attributes('style')).toContain('hsla(5');
    expect(cells[2]!.attributes('style')).toContain('transparent');
    expect(wrapper.findAll('[data-testid="class-metrics-row"]').map((r) => r.findAll('td').map((d) => d.text()))).toEqual([
      ['circle', '0.692', '0.900', '0.780', '10'],
      ['square', '0.750', '0.600', '0.667', '10'],
      ['star', '1.000', '0.900', '0.947', '10'],
    ]);
    expect(wrapper.find('[data-testid="wrong-prediction"]').text()).toContain('square, taken for circle');
  });

  it('opens_the_most_confused_cell_first_and_any_clicked_cell_with_its_images', async () => {
    const { wrapper } = setup(EvaluationPanel, { 'evaluation.run': () => evaluation() });
    await flushPromises();
    await wrapper.find('[data-testid="evaluate-button"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="cell-images"] h3').text()).toBe('square predicted as circle (4 images)');
    expect(wrapper.findAll('[data-testid="cell-image"]')).toHaveLength(4);
    await wrapper.find('[data-testid="confusion-cell"][data-row="2"][data-column="2"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="cell-images"] h3').text()).toBe('star: predicted right (9 images)');
    expect(wrapper.findAll('[data-testid="cell-image"] img')).toHaveLength(9);
    // An empty cell opens nothing.
    await wrapper.find('[data-testid="confusion-cell"][data-row="0"][data-column="2"]').trigger('click');
    expect(wrapper.find('[data-testid="cell-images"] h3').text()).toBe('star: predicted right (9 images)');
    expect(mostConfused([[5, 0], [0, 5]])).toBeNull();
  });

  it('evaluates_on_a_folder_and_shows_a_failure_as_its_sentence', async () => {
    const { wrapper, studio } = setup(EvaluationPanel, {
      'evaluation.run': () => {
        throw new StudioError('dataset-invalid', '/elsewhere has class folder(s) the run was not trained on: hexagon.', { hint: 'The run knows circle, square, star; remove or rename the other folders.' });
      },
    });
    await flushPromises();
    await wrapper.find('[data-testid="source-folder"]').setValue(true);
    const folder = wrapper.find('[data-testid="evaluation-folder"]');
    await folder.setValue('/elsewhere');
    await folder.trigger('blur');
    await wrapper.find('[data-testid="evaluate-button"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('evaluation.run')).toEqual([{ runDir: RUN, source: 'folder', dataPath: '/elsewhere' }]);
    expect(wrapper.find('[data-testid="evaluation-error"]').text()).toBe('/elsewhere has class folder(s) the run was not trained on: hexagon. The run knows circle, square, star; remove or rename the other folders.');
  });

  it('offers_to_train_when_the_project_has_no_run_yet', async () => {
    const { wrapper } = setup(EvaluationPanel, {}, 'browser', []);
    await flushPromises();
    expect(wrapper.find('[data-testid="no-runs"]').text()).toContain('No trained run of this project yet.');
    await wrapper.find('[data-testid="no-runs"] button').trigger('click');
    expect(useWorkspaceStore().view).toBe('training');
  });
});

describe('the prediction view', () => {
  const png = (name: string, size = 64) => new File([new Uint8Array(size).fill(7)], name, { type: 'image/png' });

  it('uploads_picked_images_and_shows_each_ones_likeliest_classes_or_why_it_has_none', async () => {
    const { wrapper, studio } = setup(PredictionPanel, {
      'prediction.predictImages': (p: { images: { name: string }[] }) => ({
        labels: ['circle', 'square', 'star'],
        predictions: p.images.map((image) => (image.name === 'bad.png' ? { file: image.name, label: null, probabilities: [], error: 'bad.png is not an image (its bytes are text).' } : { file: image.name, label: 'star', probabilities: [0.1, 0.2, 0.7] })),
      }),
    });
    await flushPromises();
    const input = wrapper.find('[data-testid="image-input"]');
    Object.defineProperty(input.element, 'files', { value: [png('shape.png'), png('bad.png'), new File(['x'], 'notes.txt', { type: 'text/plain' })], configurable: true });
    await input.trigger('change');
    await flushPromises();
    const [request] = studio.callsOf('prediction.predictImages');
    expect(request!.runDir).toBe(RUN);
    // The text file is left out; the images travel as base64 (64 bytes of 7s).
    expect(request!.images).toEqual([
      { name: 'shape.png', data: btoa(String.fromCharCode(...new Uint8Array(64).fill(7))) },
      { name: 'bad.png', data: btoa(String.fromCharCode(...new Uint8Array(64).fill(7))) },
    ]);
    const cards = wrapper.findAll('[data-testid="prediction"]');
    expect(cards.map((c) => [c.attributes('data-name'), c.attributes('data-status')])).toEqual([
      ['shape.png', 'done'],
      ['bad.png', 'failed'],
    ]);
    expect(cards[0]!.find('[data-testid="prediction-label"]').text()).toBe('star');
    expect(cards[0]!.findAll('[data-testid="probability-bar"]').map((b) => b.text())).toEqual(['star70.0%', 'square20.0%', 'circle10.0%']);
    expect(cards[1]!.text()).toContain('bad.png is not an image (its bytes are text).');
  });

  it('refuses_an_image_over_the_upload_limit_with_a_sentence_and_splits_large_sets', async () => {
    const { wrapper, studio } = setup(PredictionPanel, { 'prediction.predictImages': () => ({ labels: ['a'], predictions: [] }) });
    await flushPromises();
    const huge = png('huge.png');
    Object.defineProperty(huge, 'size', { value: 9 * 1024 * 1024 });
    const zone = wrapper.find('[data-testid="drop-zone"]');
    await zone.trigger('drop', { dataTransfer: { files: [huge] } });
    await flushPromises();
    expect(studio.callsOf('prediction.predictImages')).toEqual([]);
    expect(wrapper.find('[data-testid="prediction"]').text()).toContain('huge.png has 9.0 MB; images up to 8 MB can be uploaded.');
    const sizes = [6, 6, 6, 1].map((mb) => ({ size: mb * 1024 * 1024 }));
    expect(uploadBatches(sizes).map((b) => b.length)).toEqual([2, 2]);
    expect(uploadBatches(Array.from({ length: 40 }, () => ({ size: 10 }))).map((b) => b.length)).toEqual([32, 8]);
  });
});

describe('the export view', () => {
  it('exports_onnx_with_its_options_to_the_suggested_file_and_shows_it_in_the_folder_in_electron', async () => {
    const { wrapper, studio } = setup(
      ExportPanel,
      {
        'export.run': (p: { out: string }) => ({ format: 'onnx', file: p.out, dir: null, opset: 17, warnings: [] }),
        'app.showInFolder': () => ({}),
      },
      'electron',
    );
    await flushPromises();
    expect((wrapper.find('[data-testid="export-path"]').element as HTMLInputElement).value).toBe(`${RUN}/Shapes-net.onnx`);
    await wrapper.find('[data-testid="opset"]').setValue('17');
    await wrapper.find('[data-testid="layout"]').setValue('nhwc');
    await wrapper.find('[data-testid="logits"]').setValue(true);
    await wrapper.find('[data-testid="export-button"]').trigger('submit');
    await flushPromises();
    expect(studio.callsOf('export.run')).toEqual([{ source: RUN, format: 'onnx', out: `${RUN}/Shapes-net.onnx`, opset: 17, layout: 'nhwc', logits: true }]);
    expect(wrapper.find('[data-testid="export-result"]').text()).toContain(`Exported ${RUN}/Shapes-net.onnx (ONNX opset 17).`);
    await wrapper.find('[data-testid="show-in-folder"]').trigger('click');
    expect(studio.callsOf('app.showInFolder')).toEqual([{ path: `${RUN}/Shapes-net.onnx` }]);
  });

  it('exports_tfjs_without_onnx_options_and_shows_a_failure_as_its_sentence', async () => {
    const { wrapper, studio } = setup(ExportPanel, {
      'export.run': () => {
        throw new StudioError('file-unwritable', '/p/out already exists and holds other files than a TF.js model.', { hint: 'Choose a new or empty folder.' });
      },
    });
    await flushPromises();
    await wrapper.find('[data-testid="format-tfjs"]').setValue(true);
    expect(wrapper.find('[data-testid="opset"]').exists()).toBe(false);
    const path = wrapper.find('[data-testid="export-path"]');
    expect((path.element as HTMLInputElement).value).toBe(`${RUN}/Shapes-net-tfjs`);
    await path.setValue('/p/out');
    await path.trigger('blur');
    await wrapper.find('[data-testid="export-button"]').trigger('submit');
    await flushPromises();
    expect(studio.callsOf('export.run')).toEqual([{ source: RUN, format: 'tfjs', out: '/p/out' }]);
    expect(wrapper.find('[data-testid="export-error"]').text()).toBe('/p/out already exists and holds other files than a TF.js model. Choose a new or empty folder.');
    // Browser mode cannot open a file manager on the server's machine.
    expect(wrapper.find('[data-testid="show-in-folder"]').exists()).toBe(false);
  });
});
