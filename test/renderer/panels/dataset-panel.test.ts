// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import DatasetPanel from '../../../src/renderer/src/panels/dataset/DatasetPanel.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDatasetStore } from '../../../src/renderer/src/stores/dataset-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import type { DatasetScan } from '../../../src/shared/api/methods/dataset';
import { StudioError } from '../../../src/shared/errors';
import { fakeStudio } from '../support/fake-studio';
import { storeWith } from '../support/project-fixtures';

// Each test's window goes away with it: nothing of one test listens during the next.
enableAutoUnmount(afterEach);

/** A scan of a small imbalanced dataset: three classes, one far smaller, one skipped file. */
function scanResult(): DatasetScan {
  return {
    root: '/data/shapes',
    report: {
      format: 'cnn-studio/dataset-report',
      version: 1,
      root: '/data/shapes',
      testRoot: null,
      layout: 'class-folders',
      classes: ['circle', 'square', 'star'],
      validation: { source: 'split', fraction: 0.2, seed: 42 },
      splits: { train: { folder: null, perClass: [80, 80, 8], total: 168 }, validation: { folder: null, perClass: [20, 20, 2], total: 42 }, test: null },
      filesSeen: 212,
      skipped: [{ file: 'star/broken.png', path: '/data/shapes/star/broken.png', code: 'truncated', reason: 'the PNG data ends early (the file is truncated)', stage: 'scan', split: 'train', className: 'star' }],
      ignored: [{ file: 'README.md', reason: 'not inside a class folder of the dataset folder' }],
      warnings: [{ code: 'class-imbalance', message: 'The classes are imbalanced: star has 8 training images, circle has 80.' }],
    },
    skippedTotal: 1,
    ignoredTotal: 1,
    samples: ['circle', 'square', 'star'].map((c) => ({ className: c, files: [1, 2].map((i) => ({ path: `/data/shapes/${c}/${i}.png`, file: `${c}/${i}.png` })) })),
    seconds: 0.25,
  };
}

function setup(handlers: Parameters<typeof fakeStudio>[0] = {}, path: string | null = 'shapes') {
  const project = storeWith();
  if (path) project.change('data', (p) => ({ ...p, dataset: { ...p.dataset, path } }));
  const studio = fakeStudio({
    'dataset.scan': () => scanResult(),
    'dataset.thumbnails': (p: { files: string[] }) => ({ images: p.files.map((file) => ({ file, png: 'iVBORw0KGgo=' })) }),
    'dataset.augmentationPreview': () => ({ png: 'iVBORw0KGgo=', columns: 6, count: 12, scale: 3 }),
    ...handlers,
  });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode: 'electron', nativeDialogs: true, platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  const wrapper = mount(DatasetPanel, { attachTo: document.body });
  return { project, studio, wrapper };
}

describe('the dataset panel', () => {
  it('scans_the_projects_folder_when_it_opens_showing_counts_the_imbalance_thumbnails_and_skipped_files', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    expect(studio.callsOf('dataset.scan')[0]).toMatchObject({ path: 'shapes', projectPath: '/tmp/test.cnnstudio', validationSplit: 0.2, seed: 42, testPath: null });
    expect(wrapper.find('[data-testid="dataset-summary"]').text()).toBe('3 classes · 168 training · 42 validation (20% of each class, seed 42) · 1 skipped · scanned in 0.3 s');
    const rows = wrapper.findAll('[data-testid="class-count"]');
    expect(rows.map((r) => [r.attributes('data-class'), r.find('[data-testid="class-count-train"]').text()])).toEqual([
      ['circle', '80'],
      ['square', '80'],
      ['star', '8'],
    ]);
    expect(wrapper.find('[data-testid="imbalance-warning"]').text()).toBe('⚠ The classes are imbalanced: star has 8 training images, circle has 80.');
    expect(rows[2]!.classes()).toContain('low');
    expect(rows[0]!.classes()).not.toContain('low');
    // Thumbnails of every sample came in one request.
    expect(studio.callsOf('dataset.thumbnails')).toHaveLength(1);
    expect(studio.callsOf('dataset.thumbnails')[0]!.files).toHaveLength(6);
    expect(wrapper.findAll('[data-testid="class-thumbnails"] img')).toHaveLength(6);
    const skipped = wrapper.findAll('[data-testid="skipped-file"]');
    expect(skipped.map((s) => s.text())).toEqual(['star/broken.pngthe PNG data ends early (the file is truncated)star']);
    expect(skipped[0]!.attributes('data-code')).toBe('truncated');
    expect(wrapper.find('[data-testid="ignored-files"]').text()).toContain('1 file ignored');
  });

  it('shows_the_scan_progress_from_the_services_events_and_can_cancel_it', async () => {
    let finish: (scan: DatasetScan) => void = () => undefined;
    const { wrapper, studio } = setup({
      'dataset.scan': () => new Promise<DatasetScan>((resolve) => (finish = resolve)),
      'dataset.cancelScan': () => ({}),
    });
    await flushPromises();
    const scanId = studio.callsOf('dataset.scan')[0]!.scanId as string;
    studio.emit('dataset.scanProgress', { scanId, filesSeen: 50, images: 48, skipped: 2, total: 200, folder: 'square', done: false });
    studio.emit('dataset.scanProgress', { scanId: 'someone-else', filesSeen: 1, images: 1, skipped: 0, total: 9, folder: 'x', done: false });
    await flushPromises();
    expect(wrapper.find('[data-testid="scan-progress"] [data-testid="progress-label"]').text()).toBe('Scanning square: 50 of 200 files, 48 images, 2 skipped');
    expect(wrapper.find('[role="progressbar"]').attributes('aria-valuenow')).toBe('25');
    await wrapper.find('[data-testid="scan-progress"] button').trigger('click');
    expect(studio.callsOf('dataset.cancelScan')).toEqual([{ scanId }]);
    finish(scanResult());
    await flushPromises();
    expect(wrapper.find('[data-testid="scan-progress"]').exists()).toBe(false);
    // A cancelled scan's late answer is not shown.
    expect(wrapper.find('[data-testid="dataset-summary"]').exists()).toBe(false);
  });

  it('says_why_a_folder_cannot_be_scanned', async () => {
    const { wrapper } = setup({
      'dataset.scan': () => {
        throw new StudioError('file-not-found', 'The dataset folder /tmp/shapes does not exist.', { hint: 'Choose the folder that holds the class folders (or train/ and val/).' });
      },
    });
    await flushPromises();
    expect(wrapper.find('[data-testid="dataset-error"]').text()).toBe('The dataset folder /tmp/shapes does not exist. Choose the folder that holds the class folders (or train/ and val/).');
  });

  it('chooses_the_folder_with_the_native_dialog_and_scans_it', async () => {
    const { wrapper, studio, project } = setup({ 'app.openDialog': () => ({ path: '/data/chosen' }) }, null);
    await flushPromises();
    expect(wrapper.find('[data-testid="dataset-empty"]').exists()).toBe(true);
    await wrapper.find('[data-testid="dataset-path-choose"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('app.openDialog')[0]).toMatchObject({ directory: true, title: 'Choose the dataset folder' });
    expect(project.project.dataset.path).toBe('/data/chosen');
    expect(studio.callsOf('dataset.scan')[0]).toMatchObject({ path: '/data/chosen' });
  });

  it('edits_the_split_resize_normalisation_and_augmentation_in_the_project_and_scans_again_for_a_new_split', async () => {
    vi.useFakeTimers();
    try {
      const { wrapper, studio, project } = setup();
      await flushPromises();
      const split = wrapper.find('[data-testid="validation-split"]');
      (split.element as HTMLInputElement).value = '30';
      await split.trigger('change');
      expect(project.project.dataset.validationSplit).toBe(0.3);
      await wrapper.find('[data-testid="resize-mode"]').setValue('letterbox');
      await wrapper.find('[data-testid="normalization"]').setValue('dataset-mean-std');
      await wrapper.find('[data-testid="aug-flip"]').setValue(true);
      const rotation = wrapper.find('[data-testid="aug-rotation"]');
      (rotation.element as HTMLInputElement).value = '15';
      await rotation.trigger('input');
      expect(project.project.dataset).toMatchObject({ resize: 'letterbox', normalization: 'dataset-mean-std', augmentation: { horizontalFlip: true, rotation: 15 } });
      expect(wrapper.text()).toContain('Scale to fit inside the Input, then pad with black.');
      await vi.advanceTimersByTimeAsync(500);
      await flushPromises();
      expect(studio.callsOf('dataset.scan')).toHaveLength(2);
      expect(studio.callsOf('dataset.scan')[1]).toMatchObject({ validationSplit: 0.3 });
      // The preview follows the settings: the last request has the letterbox and the rotation.
      const previews = studio.callsOf('dataset.augmentationPreview');
      expect(previews.at(-1)).toMatchObject({ file: '/data/shapes/circle/1.png', key: 'circle/1.png', resize: 'letterbox', augmentation: { horizontalFlip: true, rotation: 15 }, input: { height: 28, width: 28, channels: 1 } });
      expect(wrapper.find('[data-testid="preview-sheet"]').attributes('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
      // Each setting is one undo step.
      project.undo();
      expect(project.project.dataset.augmentation.rotation).toBe(0);
      expect(useDatasetStore().settings.augmentation.horizontalFlip).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('previews_augmentation_on_a_clicked_thumbnail_with_new_draws_on_request', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const before = studio.callsOf('dataset.augmentationPreview').length;
    await wrapper.find('[data-testid="thumbnail"][data-file="/data/shapes/star/2.png"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('dataset.augmentationPreview').at(-1)).toMatchObject({ file: '/data/shapes/star/2.png', key: 'star/2.png', seed: 42 });
    await wrapper.find('[data-testid="preview-redraw"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('dataset.augmentationPreview').at(-1)).toMatchObject({ file: '/data/shapes/star/2.png', seed: 43 });
    expect(studio.callsOf('dataset.augmentationPreview').length).toBeGreaterThan(before);
  });
});
