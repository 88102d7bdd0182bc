import { resolve } from 'node:path';
import type { IgnoredFile, SkipCode, SkippedFile, SplitName } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import type { ClassScan, SplitScan } from './dataset-assembly';
import { assembleDataset } from './dataset-assembly';
import type { DatasetFileSystem, FileInfo } from './dataset-fs';
import { nodeFileSystem } from './dataset-fs';
import type { DatasetIndex } from './dataset-index';
import { checkImageFile } from './file-check';
import type { FolderEntry, FolderListing } from './folder-entries';
import { compareCodePoints, listFolder } from './folder-entries';
import { DEFAULT_MAX_PIXELS } from './image-decoder';
import { ImageProblem, problemFromFileError } from './image-problem';

/**
 * Scans an image folder into the samples of each split and a report.
 *
 * Layouts: a folder with one sub-folder per class (the validation split is then carved from it), or
 * `train/` with any of `val/` or `validation/` (the validation split) and `test/` (kept for
 * evaluation) at the top; split names in any case. Class names are the class folders' names (NFC),
 * sorted by code point; images in sub-folders of a class folder belong to that class. Files beside
 * the class folders (README, LICENSE) are ignored and listed; hidden and system files are ignored
 * silently; files that are not usable images are skipped and listed with the reason.
 */

export interface ScanOptions {
  /** Fraction of each class held out for validation when there is no val/ folder. Default 0.2. */
  validationSplit?: number;
  /** Seeds the validation split; null or absent: a fresh seed (recorded in the report). */
  seed?: number | null;
  /** A separate folder of class folders used as the test split. */
  testRoot?: string | null;
  maxPixels?: number;
  /** Called as files are examined (at most every 50 ms, and once at the end). */
  onProgress?: (progress: ScanProgress) => void;
  signal?: AbortSignal;
  /** Tests: a file system that fails on purpose. */
  fileSystem?: DatasetFileSystem;
  /** Files examined at the same time. Default 8. */
  concurrency?: number;
}

export interface ScanProgress {
  filesSeen: number;
  images: number;
  skipped: number;
  /** The folder being scanned, relative to its root. */
  folder: string;
  done: boolean;
}

/** Folders nested deeper than this inside a class folder are not followed. */
const MAX_DEPTH = 32;
const SPLIT_FOLDERS = new Map<string, 'train' | 'validation' | 'test'>([
  ['train', 'train'],
  ['val', 'validation'],
  ['validation', 'validation'],
  ['test', 'test'],
]);

/** Scans `root`; throws a `dataset-invalid` StudioError when the data cannot train a classifier. */
export async function scanImageFolder(root: string, options: ScanOptions = {}): Promise<DatasetIndex> {
  const scan = new FolderScan(options);
  const rootPath = resolve(root);
  const testRoot = options.testRoot ? resolve(options.testRoot) : null;
  const top = await scan.openRoot(rootPath);
  const splitDirs = new Map<string, FolderEntry>();
  for (const entry of top.entries) {
    const split = SPLIT_FOLDERS.get(entry.name.toLowerCase());
    if (entry.info.kind === 'directory' && split) {
      const other = splitDirs.get(split);
      if (other) {
        throw new StudioError('dataset-invalid', `${rootPath} has both ${other.name}/ and ${entry.name}/; they cannot both be the ${split} split.`, {
          hint: `Merge them into one folder, or rename one.`,
          where: rootPath,
        });
      }
      splitDirs.set(split, entry);
    }
  }

  let train: SplitScan;
  let validationScan: SplitScan | null = null;
  let testScan: SplitScan | null = null;
  const trainDir = splitDirs.get('train');
  if (trainDir) {
    for (const entry of top.entries) {
      if (![...splitDirs.values()].includes(entry)) scan.ignore(entry.rel, entry.info.kind === 'directory' ? 'a folder beside train/ that is not val/, validation/ or test/' : 'not inside a split folder (train/, val/, test/)');
    }
    scan.skipProblems(top, null, null);
    train = await scan.scanSplit(trainDir.path, trainDir.rel, 'train', await scan.list(trainDir, 'train'));
    const validationDir = splitDirs.get('validation');
    if (validationDir) validationScan = await scan.scanSplit(validationDir.path, validationDir.rel, 'validation', await scan.list(validationDir, 'validation'));
    const testDir = splitDirs.get('test');
    if (testDir && testRoot) scan.ignore(testDir.rel, `a separate test folder was given (${testRoot})`);
    else if (testDir) testScan = await scan.scanSplit(testDir.path, testDir.rel, 'test', await scan.list(testDir, 'test'));
  } else {
    const stray = splitDirs.get('validation') ?? splitDirs.get('test');
    if (stray) {
      throw new StudioError('dataset-invalid', `${rootPath} has a ${stray.name}/ folder but no train/ folder.`, {
        hint: `Put the training images in train/<class>/ beside ${stray.name}/, or rename ${stray.name}/ if it is a class.`,
        where: rootPath,
      });
    }
    train = await scan.scanSplit(rootPath, '', 'train', top);
  }
  if (testRoot) {
    const listing = await scan.openRoot(testRoot);
    testScan = await scan.scanSplit(testRoot, '', 'test', listing, 'test');
  }
  return assembleDataset(
    { root: rootPath, testRoot, layout: trainDir ? 'split-folders' : 'class-folders', train, validation: validationScan, test: testScan, ...scan.collected() },
    options,
  );
}

class FolderScan {
  private readonly fs: DatasetFileSystem;
  private readonly maxPixels: number;
  private readonly concurrency: number;
  private readonly skipped: SkippedFile[] = [];
  private readonly ignored: IgnoredFile[] = [];
  private filesSeen = 0;
  private images = 0;
  private lastProgress = 0;
  private folder = '';
  /** Roots and split folders: a link from a class folder back to one of them is a loop too. */
  private readonly containers = new Set<string>();

  constructor(private readonly options: ScanOptions) {
    this.fs = options.fileSystem ?? nodeFileSystem;
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
  }

  /** Lists a root folder; a missing or unreadable root is an error, not a skipped file. */
  async openRoot(path: string): Promise<FolderListing> {
    this.checkAborted(path);
    let info: FileInfo;
    try {
      info = await this.fs.stat(path);
    } catch (error) {
      throw rootError(path, error);
    }
    this.containers.add(info.id);
    if (info.kind !== 'directory') {
      throw new StudioError('dataset-invalid', `${path} is a file, not a folder of images.`, { hint: 'Choose the folder that holds the class folders.', where: path });
    }
    try {
      return await listFolder(this.fs, path, '');
    } catch (error) {
      throw rootError(path, error);
    }
  }

  /** Lists a split folder below a root; an unreadable one is listed as skipped (its contents unknown). */
  async list(entry: FolderEntry, split: SplitName): Promise<FolderListing> {
    this.containers.add(entry.info.id);
    const { listing, problem } = await this.tryList(entry.path, entry.rel);
    if (problem) this.skip(entry.rel, entry.path, problem.problem, problem.reason, split, null);
    return listing;
  }

  private async tryList(path: string, rel: string): Promise<{ listing: FolderListing; problem: ImageProblem | null }> {
    this.checkAborted(path);
    this.folder = rel;
    try {
      return { listing: await listFolder(this.fs, path, rel), problem: null };
    } catch (error) {
      const problem = problemFromFileError(path, error);
      return { listing: { entries: [], problems: [] }, problem: new ImageProblem(path, problem.problem, `the folder could not be listed: ${problem.reason}`, error) };
    }
  }

  ignore(file: string, reason: string): void {
    this.filesSeen++;
    this.ignored.push({ file, reason });
  }

  skipProblems(listing: FolderListing, split: SplitName | null, className: string | null): void {
    for (const p of listing.problems) this.skip(p.rel, p.path, p.problem.problem, p.problem.reason, split, className);
  }

  /** Scans the class folders of one split folder (or of the root, for the class-folder layout). */
  async scanSplit(path: string, rel: string, split: SplitName, listing: FolderListing, rootKind: 'dataset' | 'test' = 'dataset'): Promise<SplitScan> {
    const classes = new Map<string, ClassScan>();
    this.skipProblems(listing, split, null);
    const where = rel === '' ? (rootKind === 'test' ? 'the test folder' : 'the dataset folder') : `${rel}/`;
    for (const entry of listing.entries) {
      if (entry.info.kind !== 'directory') {
        this.ignore(entry.rel, `not inside a class folder of ${where}`);
        continue;
      }
      const className = entry.name.normalize('NFC');
      const scan = classes.get(className) ?? { className, folder: entry.rel, samples: [], skipped: 0, firstSkipReason: null };
      classes.set(className, scan);
      await this.scanClassFolder(entry, split, scan, new Set([...this.containers, entry.info.id]), 0);
      scan.samples.sort((a, b) => compareCodePoints(a.file, b.file));
    }
    this.progress(false, true);
    return { folder: rel === '' ? null : rel, classes };
  }

  private async scanClassFolder(folder: FolderEntry, split: SplitName, scan: ClassScan, ancestors: Set<string>, depth: number): Promise<void> {
    const { listing, problem } = await this.tryList(folder.path, folder.rel);
    if (problem) this.skipInClass(scan, folder.rel, folder.path, problem, split, true);
    for (const p of listing.problems) this.skipInClass(scan, p.rel, p.path, p.problem, split, true);
    const files: FolderEntry[] = [];
    for (const entry of listing.entries) {
      if (entry.info.kind === 'directory') {
        if (ancestors.has(entry.info.id)) {
          this.skipInClass(scan, entry.rel, entry.path, new ImageProblem(entry.path, 'symlink-loop', 'it is a link to a folder that contains it (a loop)'), split, true);
        } else if (depth + 1 >= MAX_DEPTH) {
          this.ignore(entry.rel, `nested more than ${MAX_DEPTH} folders deep`);
        } else {
          await this.scanClassFolder(entry, split, scan, new Set([...ancestors, entry.info.id]), depth + 1);
        }
      } else if (entry.info.kind === 'other') {
        this.skipInClass(scan, entry.rel, entry.path, new ImageProblem(entry.path, 'not-a-file', 'it is not a regular file (a pipe, socket or device)'), split, true);
      } else {
        files.push(entry);
      }
    }
    const checks = await mapLimited(files, this.concurrency, async (file) => {
      this.checkAborted(file.path);
      const check = await checkImageFile(this.fs, file.path, file.name, file.info.size, this.maxPixels);
      this.filesSeen++;
      if (check.kind === 'image') this.images++;
      this.progress(false);
      return check;
    });
    checks.forEach((check, i) => {
      const file = files[i]!;
      if (check.kind === 'image') scan.samples.push({ path: file.path, file: file.rel });
      else if (check.kind === 'problem') this.skipInClass(scan, file.rel, file.path, check.problem, split, false);
      else this.ignored.push({ file: file.rel, reason: check.reason });
    });
  }

  /** `seen`: whether this entry still has to be counted as seen (checked files already were). */
  private skipInClass(scan: ClassScan, rel: string, path: string, problem: ImageProblem, split: SplitName, seen: boolean): void {
    scan.skipped++;
    scan.firstSkipReason ??= `${rel}: ${problem.reason}`;
    this.skip(rel, path, problem.problem, problem.reason, split, scan.className, seen);
  }

  private skip(rel: string, path: string, code: SkipCode, reason: string, split: SplitName | null, className: string | null, seen = true): void {
    if (seen) this.filesSeen++;
    this.skipped.push({ file: rel, path, code, reason, stage: 'scan', split, className });
  }

  private progress(done: boolean, force = done): void {
    const now = performance.now();
    if (!this.options.onProgress || (!force && now - this.lastProgress < 50)) return;
    this.lastProgress = now;
    this.options.onProgress({ filesSeen: this.filesSeen, images: this.images, skipped: this.skipped.length, folder: this.folder, done });
  }

  private checkAborted(path: string): void {
    if (this.options.signal?.aborted) throw new StudioError('cancelled', `Scanning ${path} was cancelled.`, { where: path });
  }

  /** What the scan collected, for assembleDataset. */
  collected(): { skipped: SkippedFile[]; ignored: IgnoredFile[]; filesSeen: number } {
    this.progress(true);
    return { skipped: this.skipped, ignored: this.ignored, filesSeen: this.filesSeen };
  }
}

function rootError(path: string, error: unknown): StudioError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new StudioError('file-not-found', `The dataset folder ${path} does not exist.`, { hint: 'Choose the folder that holds the class folders (or train/ and val/).', where: path, cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new StudioError('file-unreadable', `The dataset folder ${path} cannot be read (permission denied).`, { hint: 'Check its permissions.', where: path, cause: error });
  }
  return new StudioError('file-unreadable', `The dataset folder ${path} cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`, {
    hint: 'Check the path and try again.',
    where: path,
    cause: error,
  });
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
