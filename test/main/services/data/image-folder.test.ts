import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetReportSchema } from '../../../../src/shared/dataset/dataset-report';
import { StudioError } from '../../../../src/shared/errors';
import type { DatasetFileSystem } from '../../../../src/main/services/data/dataset-fs';
import { nodeFileSystem } from '../../../../src/main/services/data/dataset-fs';
import type { ScanOptions, ScanProgress } from '../../../../src/main/services/data/image-folder';
import { scanImageFolder } from '../../../../src/main/services/data/image-folder';
import { makeClassFolders, makeDirtyDataset, makeTempDir, put, SAMPLE_DATASET, solidImage } from './dataset-fixtures';

let temp: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.remove();
});

const scanError = async (root: string, options?: ScanOptions): Promise<StudioError> => {
  try {
    await scanImageFolder(root, options);
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('expected a StudioError');
};

describe('scanImageFolder: the sample dataset', () => {
  it('reads_train_and_test_splits_and_carves_validation_from_train', async () => {
    const index = await scanImageFolder(SAMPLE_DATASET, { seed: 7, validationSplit: 0.2 });
    expect(index.layout).toBe('split-folders');
    expect(index.classes).toEqual(['ankle-boot', 'bag', 'coat', 'dress', 'pullover', 'sandal', 'shirt', 'sneaker', 't-shirt', 'trouser']);
    expect(index.report.splits.train.perClass).toEqual(Array(10).fill(80));
    expect(index.report.splits.validation.perClass).toEqual(Array(10).fill(20));
    expect(index.report.splits.test?.perClass).toEqual(Array(10).fill(30));
    expect(index.report.validation).toEqual({ source: 'split', fraction: 0.2, seed: 7 });
    expect(index.train).toHaveLength(800);
    expect(index.validation).toHaveLength(200);
    expect(index.test).toHaveLength(300);
    expect(index.report.skipped).toEqual([]);
    expect(index.report.ignored.map((i) => i.file)).toEqual(['LICENSE', 'README.md']);
    expect(index.report.warnings).toEqual([]);
    expect(index.train[0]).toMatchObject({ label: 0, split: 'train' });
    expect(index.train[0]!.file).toMatch(/^train\/ankle-boot\/.+\.png$/);
    expect(datasetReportSchema.parse(JSON.parse(JSON.stringify(index.report)))).toEqual(index.report);
  });

  it('same_seed_same_split_other_seed_other_split', async () => {
    const a = await scanImageFolder(SAMPLE_DATASET, { seed: 1 });
    const b = await scanImageFolder(SAMPLE_DATASET, { seed: 1 });
    const c = await scanImageFolder(SAMPLE_DATASET, { seed: 2 });
    const files = (s: { file: string }[]) => s.map((x) => x.file);
    expect(files(a.validation)).toEqual(files(b.validation));
    expect(files(a.validation)).not.toEqual(files(c.validation));
    // Train and validation partition the train folder.
    expect(new Set([...files(a.train), ...files(a.validation)]).size).toBe(1000);
  });

  it('reports_progress_and_can_be_cancelled', async () => {
    const events: ScanProgress[] = [];
    await scanImageFolder(SAMPLE_DATASET, { onProgress: (p) => events.push(p) });
    const seen = events.map((p) => p.filesSeen);
    expect(seen.at(-1)).toBe(1302);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(events.filter((p) => p.done)).toEqual([{ filesSeen: 1302, images: 1300, skipped: 0, folder: 'test/trouser', done: true }]);
    expect(events.at(-1)!.done).toBe(true);
    const controller = new AbortController();
    const error = await scanError(SAMPLE_DATASET, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.filesSeen > 100) controller.abort();
      },
    });
    expect(error.code).toBe('cancelled');
  });
});

describe('scanImageFolder: layouts and rules', () => {
  it('class_folders_with_validation_folder_and_case_insensitive_split_names', async () => {
    await makeClassFolders(join(temp.dir, 'Train'), { b: 4, a: 4 });
    await makeClassFolders(join(temp.dir, 'VALIDATION'), { a: 2, b: 1 });
    const index = await scanImageFolder(temp.dir, { validationSplit: 0.5 });
    expect(index.classes).toEqual(['a', 'b']);
    expect(index.report.validation.source).toBe('folder');
    expect(index.report.splits.train.perClass).toEqual([4, 4]);
    expect(index.report.splits.validation).toEqual({ folder: 'VALIDATION', perClass: [2, 1], total: 3 });
    expect(index.report.splits.test).toBeNull();
  });

  it('stratified_split_holds_out_each_class_and_warns_about_single_images', async () => {
    await makeClassFolders(temp.dir, { big: 10, small: 5, one: 1 });
    const index = await scanImageFolder(temp.dir, { validationSplit: 0.2, seed: 3 });
    expect(index.layout).toBe('class-folders');
    expect(index.report.splits.validation.perClass).toEqual([2, 0, 1]);
    expect(index.report.splits.train.perClass).toEqual([8, 1, 4]);
    expect(index.report.warnings.map((w) => w.code)).toEqual(['class-imbalance', 'few-images']);
    expect(index.report.warnings[0]!.message).toContain("'big' has 8 training images and 'one' only 1");
    expect(index.report.warnings[1]!.message).toContain("'one'");
  });

  it('class_names_sort_by_code_point_and_labels_follow', async () => {
    await makeClassFolders(temp.dir, { Zebra: 2, apple: 2, Äpfel: 2, '10': 2, '9': 2 });
    const index = await scanImageFolder(temp.dir, { validationSplit: 0 });
    expect(index.classes).toEqual(['10', '9', 'Zebra', 'apple', 'Äpfel']);
    expect(index.report.validation.source).toBe('none');
    expect(index.train.filter((s) => s.label === 3).every((s) => s.file.startsWith('apple/'))).toBe(true);
  });

  it('folder_names_that_look_like_object_properties_are_plain_classes', async () => {
    await makeClassFolders(temp.dir, Object.fromEntries([['__proto__', 2], ['constructor', 2], ['toString', 2]]));
    const index = await scanImageFolder(temp.dir, { validationSplit: 0 });
    expect(index.layout).toBe('class-folders');
    expect(index.classes).toEqual(['__proto__', 'constructor', 'toString']);
    expect(index.report.splits.train.perClass).toEqual([2, 2, 2]);
  });

  it('no_images_at_all_is_an_error', async () => {
    await mkdir(join(temp.dir, 'empty-root'));
    let error = await scanError(join(temp.dir, 'empty-root'));
    expect(error.code).toBe('dataset-invalid');
    expect(error.message).toContain('no class folders');
    await put(join(temp.dir, 'bad', 'a', 'x.jpg'), 'not an image');
    await put(join(temp.dir, 'bad', 'b', 'y.png'), '');
    error = await scanError(join(temp.dir, 'bad'));
    expect(error.code).toBe('dataset-invalid');
    expect(error.message).toMatch(/No usable images were found in .*bad\. 2 files were skipped \(a\/x\.jpg: it contains text, not an image\)\./);
  });

  it('an_empty_class_folder_is_an_error_naming_it', async () => {
    await makeClassFolders(temp.dir, { cats: 3, dogs: 3 });
    await mkdir(join(temp.dir, 'birds'));
    const error = await scanError(temp.dir);
    expect(error.code).toBe('dataset-invalid');
    expect(error.message).toBe("The class folder 'birds' has no usable images.");
    expect(error.hint).toContain('Add images to it');
    expect(error.where).toBe('birds');
  });

  it('a_class_of_only_bad_files_is_an_empty_class_with_the_reason', async () => {
    await makeClassFolders(join(temp.dir, 'train'), { cats: 3, dogs: 3 });
    await put(join(temp.dir, 'train', 'birds', 'bird.png'), 'oops');
    const error = await scanError(temp.dir);
    expect(error.message).toBe("The class folder 'train/birds' has no usable images (train/birds: 1 file skipped, train/birds/bird.png: it contains text, not an image).");
  });

  it('a_single_class_is_an_error', async () => {
    await makeClassFolders(temp.dir, { cats: 3 });
    const error = await scanError(temp.dir);
    expect(error.code).toBe('dataset-invalid');
    expect(error.message).toContain("only one class, 'cats'");
  });

  it('missing_root_and_file_root_are_clear_errors', async () => {
    expect((await scanError(join(temp.dir, 'nope'))).code).toBe('file-not-found');
    await put(join(temp.dir, 'file.png'), await solidImage(2, 2, [0, 0, 0]));
    const error = await scanError(join(temp.dir, 'file.png'));
    expect(error.code).toBe('dataset-invalid');
    expect(error.message).toContain('is a file, not a folder');
  });

  it('validation_classes_must_exist_in_train', async () => {
    await makeClassFolders(join(temp.dir, 'train'), { a: 2, b: 2 });
    await makeClassFolders(join(temp.dir, 'val'), { a: 1, c: 1 });
    const error = await scanError(temp.dir);
    expect(error.code).toBe('dataset-invalid');
    expect(error.message).toBe("The validation folder val/ has a class folder 'c' that train/ does not have.");
  });

  it('test_classes_missing_or_unknown_are_warnings', async () => {
    await makeClassFolders(join(temp.dir, 'train'), { a: 2, b: 2 });
    await makeClassFolders(join(temp.dir, 'test'), { a: 1, zzz: 1 });
    const index = await scanImageFolder(temp.dir);
    expect(index.report.warnings.map((w) => w.code)).toEqual(['unknown-class-in-split', 'class-missing-in-split']);
    expect(index.report.warnings[1]!.message).toContain("test/ has no usable images of class 'b'");
    expect(index.test.map((s) => s.file)).toEqual(['test/a/000.png']);
    expect(index.report.ignored).toContainEqual({ file: 'test/zzz', reason: "class 'zzz' is not a class of the training split" });
  });

  it('a_separate_test_folder_is_used_as_the_test_split', async () => {
    await makeClassFolders(join(temp.dir, 'data'), { a: 2, b: 2 });
    await makeClassFolders(join(temp.dir, 'holdout'), { a: 1, b: 1 });
    const index = await scanImageFolder(join(temp.dir, 'data'), { testRoot: join(temp.dir, 'holdout') });
    expect(index.testRoot).toBe(join(temp.dir, 'holdout'));
    expect(index.test.map((s) => [s.file, s.label])).toEqual([
      ['a/000.png', 0],
      ['b/000.png', 1],
    ]);
  });

  it('both_val_and_validation_or_test_without_train_are_errors', async () => {
    await makeClassFolders(join(temp.dir, 'one', 'train'), { a: 1, b: 1 });
    await makeClassFolders(join(temp.dir, 'one', 'val'), { a: 1, b: 1 });
    await makeClassFolders(join(temp.dir, 'one', 'validation'), { a: 1, b: 1 });
    expect((await scanError(join(temp.dir, 'one'))).message).toContain('has both val/ and validation/');
    await makeClassFolders(join(temp.dir, 'two', 'test'), { a: 1, b: 1 });
    expect((await scanError(join(temp.dir, 'two'))).message).toContain('has a test/ folder but no train/ folder');
  });
});

describe('scanImageFolder: a dirty folder', () => {
  it('uses_every_good_image_and_lists_every_bad_file_once_with_its_reason', async () => {
    const dirty = await makeDirtyDataset(temp.dir);
    const index = await scanImageFolder(temp.dir, { validationSplit: 0 });
    expect(index.classes).toEqual(['cats', 'dogs']);
    const used = index.train.map((s) => s.file).sort();
    expect(used).toEqual([...dirty.good.cats!, ...dirty.good.dogs!].sort());
    const skipped = Object.fromEntries(index.report.skipped.map((s) => [s.file, s.code]));
    expect(skipped).toEqual(dirty.skipped);
    expect(new Set(index.report.skipped.map((s) => s.path)).size).toBe(index.report.skipped.length);
    expect(index.report.ignored.map((i) => i.file).sort()).toEqual(dirty.ignored.sort());
    const byFile = Object.fromEntries(index.report.skipped.map((s) => [s.file, s.reason]));
    expect(byFile['cats/huge.png']).toBe('it has 17000 x 17000 pixels, more than the limit of 268,402,689 (refused without decoding)');
    expect(byFile['cats/truncated.png']).toBe('the PNG data ends early (the file is truncated)');
    expect(byFile['cats/text.jpg']).toBe('it contains text, not an image');
    expect(byFile['cats/photo.heic']).toBe('it is in the HEIC/HEIF format, which the studio does not read');
    expect(index.report.skipped.every((s) => s.stage === 'scan' && s.split === 'train' && s.className === 'cats')).toBe(true);
    expect(datasetReportSchema.safeParse(index.report).success).toBe(true);
  });

  it('an_unreadable_file_is_skipped_with_the_reason', async () => {
    // Tests run as root, whom permissions do not stop: the file system is made to refuse instead.
    await makeClassFolders(temp.dir, { a: 3, b: 3 });
    const denied = (path: string) => path.endsWith(join('a', '001.png'));
    const fileSystem: DatasetFileSystem = {
      ...nodeFileSystem,
      async readEnds(path, head, tail) {
        if (denied(path)) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return nodeFileSystem.readEnds(path, head, tail);
      },
    };
    const index = await scanImageFolder(temp.dir, { fileSystem, validationSplit: 0 });
    expect(index.report.skipped).toEqual([
      { file: 'a/001.png', path: join(temp.dir, 'a', '001.png'), code: 'unreadable', reason: 'it cannot be read (permission denied)', stage: 'scan', split: 'train', className: 'a' },
    ]);
    expect(index.report.splits.train.perClass).toEqual([2, 3]);
  });

  it('an_unreadable_class_folder_is_listed_and_then_empty', async () => {
    await makeClassFolders(temp.dir, { a: 2, b: 2 });
    const fileSystem: DatasetFileSystem = {
      ...nodeFileSystem,
      async readdir(path) {
        if (path === join(temp.dir, 'b')) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        return nodeFileSystem.readdir(path);
      },
    };
    const error = await scanError(temp.dir, { fileSystem });
    expect(error.message).toBe("The class folder 'b' has no usable images (b: 1 file skipped, b: the folder could not be listed: it cannot be read (EIO)).");
  });

  it('links_back_to_a_containing_folder_are_loops_other_links_are_followed', async () => {
    await makeClassFolders(temp.dir, { a: 2, b: 2 });
    await mkdir(join(temp.dir, 'a', 'deeper'));
    await symlink('../..', join(temp.dir, 'a', 'deeper', 'to-root'));
    await symlink('..', join(temp.dir, 'a', 'deeper', 'to-a'));
    await symlink(join(temp.dir, 'b'), join(temp.dir, 'a', 'b-link'));
    const index = await scanImageFolder(temp.dir, { validationSplit: 0 });
    // a/b-link shows b's images inside a/: followed like any sub-folder. The other two lead back up: loops.
    expect(index.report.splits.train.perClass).toEqual([4, 2]);
    expect(index.report.skipped.map((s) => [s.file, s.code])).toEqual([
      ['a/deeper/to-a', 'symlink-loop'],
      ['a/deeper/to-root', 'symlink-loop'],
    ]);
  });
});
