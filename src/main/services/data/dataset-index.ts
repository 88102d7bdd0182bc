import type { DatasetLayout, DatasetReport, SplitName } from '../../../shared/dataset/dataset-report';

/** One usable image of a split. */
export interface DatasetSample {
  /** Absolute path. */
  path: string;
  /** Relative to the folder it was found in, `/`-separated; the key augmentation draws are derived from. */
  file: string;
  /** Index into the dataset's classes. */
  label: number;
  split: SplitName;
}

/** What a scan returns: the samples of each split, in a stable order, and the report. */
export interface DatasetIndex {
  root: string;
  testRoot: string | null;
  layout: DatasetLayout;
  /** Sorted class names; a sample's label indexes this list. */
  classes: string[];
  train: DatasetSample[];
  validation: DatasetSample[];
  test: DatasetSample[];
  report: DatasetReport;
}
