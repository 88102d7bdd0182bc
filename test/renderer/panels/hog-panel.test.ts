// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import HogPanel from '../../../src/renderer/src/panels/hog/HogPanel.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspace-store';
import type { EvaluationResult } from '../../../src/shared/api/methods/evaluation';
import type { RunMetrics, RunSummary } from '../../../src/shared/api/methods/runs';
import { FILTER_PRESET_NAMES } from '../../../src/shared/layers/filter-presets';
import { fakeStudio } from '../support/fake-studio';
import { PNG, RUN, filterResponses, runNetwork, runSummary } from '../support/insight-fixtures';
import { storeWith } from '../support/project-fixtures';

enableAutoUnmount(afterEach);

type Handlers = Parameters<typeof fakeStudio>[0];
const BASELINE = '/p/test.runs/2026-11-25_10-05-00';

/** A 16x16 grey image: 0 on the left half, 200 on the right (a vertical edge between columns 7 and 8). */
function edgeImage(height = 16, width = 16) {
  const bytes = Uint8Array.from({ length: height * width }, (_, i) => (i % width >= width / 2 ? 200 : 0));
  return { name: 'edge.png', height, width, data: btoa(String.fromCharCode(...bytes)), resizedFrom: null };
}

function setup(handlers: Handlers = {}, runs: RunSummary[] = []) {
  storeWith();
  const studio = fakeStudio({
    'runs.list': () => ({ folder: '/p/test.runs', runs: [...runs] }),
    'hog.greyImage': () => edgeImage(),
    'insight.runNetwork': () => runNetwork(),
    'insight.filterResponses': () => filterResponses([...FILTER_PRESET_NAMES]),
    'dataset.thumbnails': (p: { files: string[] }) => ({ images: p.files.map((file) => ({ file, png: PNG })) }),
    ...handlers,
  });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode: 'browser', nativeDialogs: false, platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  useWorkspaceStore().show('hog');
  return { studio, wrapper: mount(HogPanel, { attachTo: document.body }) };
}

async function pickImage(wrapper: ReturnType<typeof setup>['wrapper']) {
  const input = wrapper.find('[data-testid="insight-image-input"]');
  Object.defineProperty(input.element, 'files', { value: [new File([new Uint8Array(8)], 'edge.png', { type: 'image/png' })], configurable: true });
  await input.trigger('change');
  await flushPromises();
}

describe('the HOG view', () => {
  it('computes_hog_of_the_chosen_image_at_the_networks_input_size_and_draws_its_glyphs', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    await pickImage(wrapper);
    expect(studio.callsOf('hog.greyImage')).toEqual([{ image: expect.objectContaining({ kind: 'upload', name: 'edge.png' }), size: { height: 28, width: 28 } }]);
    expect(wrapper.find('[data-testid="hog-summary"]').text().replace(/\s+/g, ' ')).toBe('16 x 16 pixels: 2 x 2 cells, 1 x 1 blocks of 2 x 2 cells, 9 bins → 36 features (L2-Hys).');
    // Every cell has only a horizontal gradient (angle 0, bin 0–20°): one glyph each, drawn across the
    // bin's middle direction (10°), so nearly along the edge: vertical, tilted by 10°.
    const glyphs = wrapper.findAll('[data-testid="hog-glyph"]');
    expect(glyphs).toHaveLength(4);
    const tilt = (g: (typeof glyphs)[number]) => Math.atan2(Number(g.attributes('x2')) - Number(g.attributes('x1')), Number(g.attributes('y2')) - Number(g.attributes('y1'))) * (180 / Math.PI);
    expect(glyphs.map((g) => Math.abs(tilt(g)))).toEqual(glyphs.map(() => expect.closeTo(10, 9)));
    expect(wrapper.findAll('[data-testid="hog-cell"]')).toHaveLength(4);
    await wrapper.find('[data-testid="hog-size-mode"]').setValue('own');
    await flushPromises();
    expect(studio.callsOf('hog.greyImage').at(-1)).toMatchObject({ size: null });
  });

  it('opens_a_cell_with_its_pixels_gradients_and_how_they_fall_into_the_bins', async () => {
    const { wrapper } = setup();
    await flushPromises();
    await pickImage(wrapper);
    await wrapper.find('[data-testid="hog-cell"][data-row="0"][data-col="0"]').trigger('click');
    const detail = wrapper.find('[data-testid="hog-cell-detail"]');
    expect(detail.find('h4').text()).toBe('Cell row 0, column 0: pixels 0–7 down, 0–7 across');
    // Column 7 meets the edge: |I(8) − I(6)| = 200 on each of the 8 rows; the others are flat.
    expect(detail.findAll('[data-testid="hog-magnitudes"] tr')[3]!.findAll('td').map((d) => d.text())).toEqual(['0.0', '0.0', '0.0', '0.0', '0.0', '0.0', '0.0', '200.0']);
    const votes = detail.findAll('[data-testid="hog-votes"] tbody tr').map((r) => r.findAll('td').slice(0, 5).map((d) => d.text().trim()));
    expect(votes[0]).toEqual(['0', '0°–20°', '64', '1600.0', '25.000']);
    expect(votes.slice(1).every((v) => v[2] === '0')).toBe(true);
    // One block holds every cell; its L2-Hys values for this cell.
    expect(detail.findAll('[data-testid="hog-block"]')).toHaveLength(1);
  });

  it('recomputes_as_the_settings_change_and_says_when_they_do_not_fit', async () => {
    const { wrapper } = setup();
    await flushPromises();
    await pickImage(wrapper);
    await wrapper.find('[data-testid="hog-cell-size"]').setValue('4');
    expect(wrapper.find('[data-testid="hog-summary"]').text().replace(/\s+/g, ' ')).toContain('4 x 4 cells, 3 x 3 blocks of 2 x 2 cells, 9 bins → 324 features');
    await wrapper.find('[data-testid="hog-bins"]').setValue('6');
    expect(wrapper.find('[data-testid="hog-summary"]').text()).toContain('216 features');
    await wrapper.find('[data-testid="hog-cell-size"]').setValue('0');
    expect(wrapper.find('.settings + .error').text()).toMatch(/^cellSize: /);
    await wrapper.find('[data-testid="hog-cell-size"]').setValue('8');
    await wrapper.find('[data-testid="hog-block-size"]').setValue('3');
    expect(wrapper.find('[data-testid="hog-problem"]').text()).toContain('The image is 16 x 16 pixels, smaller than one HOG block of 3 x 3 cells of 8 pixels (24 x 24 pixels).');
  });
});

function evaluation(accuracy: number, diagonal: number): EvaluationResult {
  const classes = ['bag', 'coat'];
  return {
    report: {
      accuracy,
      loss: 1 - accuracy,
      images: 20,
      classes,
      confusion: [
        [diagonal, 10 - diagonal],
        [10 - diagonal, diagonal],
      ],
      perClass: classes.map((c) => ({ class: c, precision: accuracy, recall: accuracy, f1: accuracy, support: 10 })),
      worst: [],
      skipped: [],
      dataPath: '/data',
      weightsFrom: 'weights',
    },
    source: 'test',
    split: 'test',
    cellsTruncated: false,
    seconds: 1,
  };
}

function metrics(runDir: string, parameters: number, seconds: number): RunMetrics {
  const backend = { name: 'wasm', label: 'WebAssembly', reason: 'auto', gpu: null };
  return {
    runDir,
    start: { type: 'start', runDir, backend, classes: ['bag', 'coat'], trainImages: 16, valImages: 4, epochs: 2, batchSize: 8, params: { trainable: parameters, nonTrainable: 0, total: parameters }, resumedFrom: null, warnings: [] },
    epochs: [],
    batches: [],
    statuses: [],
    done: { type: 'done', status: 'completed', epochs: 2, bestEpoch: 2, runDir, message: null, valLoss: 0.5, valAccuracy: 0.7, seconds },
    damagedLines: 0,
  };
}

describe('the comparison with a hand-crafted baseline', () => {
  it('trains_a_baseline_on_the_runs_data_then_shows_both_side_by_side_as_they_come_out', async () => {
    const runs = [runSummary()];
    let emit: ReturnType<typeof fakeStudio>['emit'] = () => undefined;
    const { wrapper, studio } = setup(
      {
        'hog.trainBaseline': (p: { jobId: string }) => {
          emit('hog.baselineProgress', { jobId: p.jobId, runDir: BASELINE, event: { type: 'batch', epoch: 1, batch: 1, batches: 2, loss: 1, accuracy: 0.5, imagesPerSecond: 100, learningRate: 0.001, eta: 1 } });
          runs.push(runSummary({ runDir: BASELINE, id: '2026-11-25_10-05-00', kind: 'baseline', projectName: 'HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys) baseline for Test' }));
          return { runDir: BASELINE, status: 'completed', epochs: 20, seconds: 2 };
        },
        'evaluation.run': (p: { runDir: string }) => (p.runDir === RUN ? evaluation(0.6, 6) : evaluation(0.8, 8)),
        'runs.metrics': (p: { runDir: string }) => (p.runDir === RUN ? metrics(RUN, 61706, 40) : metrics(BASELINE, 12970, 4)),
      },
      runs,
    );
    ({ emit } = studio);
    await flushPromises();
    await pickImage(wrapper);
    await wrapper.find('[data-testid="hog-tab-compare"]').trigger('click');
    await flushPromises();
    expect((wrapper.find('[data-testid="compare-run"]').element as HTMLSelectElement).value).toBe(RUN);
    expect(studio.callsOf('insight.filterResponses')).toEqual([{ target: { kind: 'run', runDir: RUN, weights: 'final' }, image: expect.objectContaining({ kind: 'upload' }), layer: null }]);
    expect(wrapper.findAll('[data-testid="compare-mask"]')).toHaveLength(10);
    expect(wrapper.findAll('[data-testid="compare-map"]')).toHaveLength(8);

    await wrapper.find('[data-testid="baseline-cell"]').setValue('4');
    await wrapper.find('[data-testid="train-baseline"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('hog.trainBaseline')).toEqual([{ jobId: expect.stringMatching(/^baseline-/), runDir: RUN, features: { kind: 'hog', hog: { cellSize: 4, blockSize: 2, bins: 9, norm: 'L2-Hys' } }, epochs: null }]);
    expect(studio.callsOf('evaluation.run')).toEqual([
      { runDir: RUN, source: 'test', worst: 0 },
      { runDir: BASELINE, source: 'test', worst: 0 },
    ]);
    expect((wrapper.find('[data-testid="compare-baseline"]').element as HTMLSelectElement).value).toBe(BASELINE);
    expect(wrapper.find('[data-testid="compare-verdict"]').text()).toBe(
      'On these 20 images the HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys) baseline is 20.0 points more accurate than the network: on this data the hand-crafted features win.',
    );
    const table = wrapper.findAll('[data-testid="compare-table"] tbody tr').map((r) => r.findAll('td').map((d) => d.text()));
    expect(table).toEqual([
      ['Accuracy', '60.00%', '80.00%'],
      ['Loss', '0.4000', '0.2000'],
      ['Mean F1 over classes', '0.600', '0.800'],
      ['Training time', '40 s', '4.0 s'],
      ['Parameters', '61,706', '12,970'],
      ['Epochs', '2', '2'],
    ]);
    expect(wrapper.findAll('[data-testid="compare-f1"] tbody tr').map((r) => r.findAll('td').map((d) => d.text()))).toEqual([
      ['bag', '0.600', '0.800', '-0.200'],
      ['coat', '0.600', '0.800', '-0.200'],
    ]);
    expect(wrapper.findAll('[data-testid="baseline-comparison"] [data-testid="confusion-matrix"]')).toHaveLength(2);
  });

  it('falls_back_to_the_validation_split_when_there_is_no_test_split_and_says_why_training_failed', async () => {
    const runs = [runSummary(), runSummary({ runDir: BASELINE, kind: 'baseline' })];
    const { wrapper, studio } = setup(
      {
        'evaluation.run': (p: { runDir: string; source: string }) => {
          if (p.source === 'test') throw new Error('no test split');
          return { ...(p.runDir === RUN ? evaluation(0.9, 9) : evaluation(0.7, 7)), source: 'validation' };
        },
        'runs.metrics': (p: { runDir: string }) => metrics(p.runDir, 10, 1),
      },
      runs,
    );
    await flushPromises();
    await wrapper.find('[data-testid="hog-tab-compare"]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-testid="compare-baseline"]').setValue(BASELINE);
    await wrapper.find('[data-testid="compare-button"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('evaluation.run').map((c) => [c.runDir, c.source])).toEqual([
      [RUN, 'test'],
      [RUN, 'validation'],
      [BASELINE, 'validation'],
    ]);
    expect(wrapper.find('[data-testid="compare-verdict"]').text()).toBe('On these 20 images the network is 20.0 points more accurate than the baseline.');
    expect(wrapper.text()).toContain('Both evaluated on 20 images of the validation split.');
  });
});
