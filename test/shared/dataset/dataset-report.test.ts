import { describe, expect, it } from 'vitest';
import type { DatasetReport, SkippedFile } from '../../../src/shared/dataset/dataset-report';
import { addSkippedFiles, datasetReportSchema } from '../../../src/shared/dataset/dataset-report';
import { batchLoaderStatsSchema } from '../../../src/shared/dataset/loader-stats';

const report: DatasetReport = {
  format: 'cnn-studio/dataset-report',
  version: 1,
  root: '/data/pets',
  testRoot: null,
  layout: 'split-folders',
  classes: ['cat', 'dog'],
  validation: { source: 'split', fraction: 0.2, seed: 42 },
  splits: {
    train: { folder: 'train', perClass: [8, 4], total: 12 },
    validation: { folder: null, perClass: [2, 1], total: 3 },
    test: { folder: 'test', perClass: [5, 5], total: 10 },
  },
  filesSeen: 29,
  skipped: [{ file: 'train/cat/x.jpg', path: '/data/pets/train/cat/x.jpg', code: 'not-an-image', reason: 'it contains text, not an image', stage: 'scan', split: 'train', className: 'cat' }],
  ignored: [{ file: 'README.md', reason: 'not inside a split folder (train/, val/, test/)' }],
  warnings: [],
};

const decodeFailure = (file: string, split: SkippedFile['split'], className: string | null): SkippedFile => ({
  file,
  path: `/data/pets/${file}`,
  code: 'truncated',
  reason: 'the JPEG data ends early (the file is truncated)',
  stage: 'decode',
  split,
  className,
});

describe('dataset report', () => {
  it('round_trips_through_json_and_its_schema', () => {
    expect(datasetReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('rejects_counts_that_do_not_match_the_classes_and_unknown_fields', () => {
    const bad = { ...report, splits: { ...report.splits, train: { folder: 'train', perClass: [8], total: 8 } } };
    expect(datasetReportSchema.safeParse(bad).success).toBe(false);
    expect(datasetReportSchema.safeParse({ ...report, extra: 1 }).success).toBe(false);
    expect(datasetReportSchema.safeParse({ ...report, skipped: [{ ...report.skipped[0], code: 'weird' }] }).success).toBe(false);
  });

  it('adds_decode_failures_once_and_takes_them_out_of_the_counts', () => {
    const failures = [decodeFailure('train/dog/1.jpg', 'train', 'dog'), decodeFailure('test/cat/2.jpg', 'test', 'cat'), decodeFailure('train/dog/1.jpg', 'train', 'dog')];
    const updated = addSkippedFiles(report, failures);
    expect(updated.splits.train).toEqual({ folder: 'train', perClass: [8, 3], total: 11 });
    expect(updated.splits.test).toEqual({ folder: 'test', perClass: [4, 5], total: 9 });
    expect(updated.skipped.map((s) => s.file)).toEqual(['train/cat/x.jpg', 'train/dog/1.jpg', 'test/cat/2.jpg']);
    expect(addSkippedFiles(updated, failures)).toEqual(updated);
    expect(report.splits.train.perClass).toEqual([8, 4]);
    expect(datasetReportSchema.safeParse(updated).success).toBe(true);
  });

  it('loader_stats_have_a_schema', () => {
    const stats = {
      mode: 'workers',
      workers: 1,
      fallbackReason: null,
      batches: 3,
      samples: 190,
      waitMs: 12.5,
      lastWaitMs: 0.2,
      decodeMs: 80,
      augmentMs: 4,
      cache: { budgetBytes: 1024, bytes: 512, entries: 2, hits: 1, misses: 2, evictions: 0 },
      skipped: 0,
    };
    expect(batchLoaderStatsSchema.parse(stats)).toEqual(stats);
    expect(batchLoaderStatsSchema.safeParse({ ...stats, mode: 'gpu' }).success).toBe(false);
  });
});
