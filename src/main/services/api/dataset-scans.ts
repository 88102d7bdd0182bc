import { readdir } from 'node:fs/promises';
import type { DatasetScan, ScanProgress } from '../../../shared/api/methods/dataset';
import { MAX_LISTED_FILES } from '../../../shared/api/methods/dataset';
import { StudioError } from '../../../shared/errors';
import { scanImageFolder } from '../data';

export interface ScanRequest {
  scanId: string;
  /** Absolute paths. */
  root: string;
  testRoot: string | null;
  validationSplit: number;
  seed: number | null;
  samplesPerClass: number;
}

/**
 * The dataset scans of the window(s): each runs here, in the services process (scanning is file
 * I/O, not TensorFlow), reports progress, and can be cancelled by its id. A new scan with the id of
 * one still running replaces it.
 */
export interface DatasetScans {
  scan(request: ScanRequest, onProgress: (progress: ScanProgress) => void): Promise<DatasetScan>;
  cancel(scanId: string): void;
}

/** Creates the scan registry of a studio. */
export function createDatasetScans(): DatasetScans {
  const running = new Map<string, AbortController>();
  return {
    async scan(request, onProgress) {
      running.get(request.scanId)?.abort();
      const abort = new AbortController();
      running.set(request.scanId, abort);
      const started = performance.now();
      let total: number | null = null;
      let last: Omit<ScanProgress, 'scanId' | 'total'> = { filesSeen: 0, images: 0, skipped: 0, folder: '', done: false };
      const send = () => onProgress({ scanId: request.scanId, ...last, total: total === null ? null : Math.max(total, last.filesSeen) });
      // The count runs beside the scan: the bar shows how far it is once the count is in.
      void countFiles([request.root, ...(request.testRoot ? [request.testRoot] : [])], abort.signal).then((n) => {
        total = n;
        if (!abort.signal.aborted && !last.done) send();
      });
      try {
        const index = await scanImageFolder(request.root, {
          validationSplit: request.validationSplit,
          seed: request.seed,
          testRoot: request.testRoot,
          signal: abort.signal,
          onProgress: (p) => {
            last = p;
            send();
          },
        });
        const samples = index.classes.map((className, label) => ({
          className,
          files: index.train
            .filter((s) => s.label === label)
            .slice(0, request.samplesPerClass)
            .map((s) => ({ path: s.path, file: s.file })),
        }));
        const { report } = index;
        return {
          root: index.root,
          report: { ...report, skipped: report.skipped.slice(0, MAX_LISTED_FILES), ignored: report.ignored.slice(0, MAX_LISTED_FILES) },
          skippedTotal: report.skipped.length,
          ignoredTotal: report.ignored.length,
          samples,
          seconds: (performance.now() - started) / 1000,
        };
      } catch (error) {
        if (abort.signal.aborted) throw new StudioError('cancelled', `Scanning ${request.root} was cancelled.`, { where: request.root });
        throw error;
      } finally {
        if (running.get(request.scanId) === abort) running.delete(request.scanId);
      }
    },
    cancel(scanId) {
      running.get(scanId)?.abort();
    },
  };
}

/** Files (not hidden) under the folders, for the progress bar; null when a folder cannot be listed. */
export async function countFiles(folders: readonly string[], signal?: AbortSignal): Promise<number | null> {
  let count = 0;
  for (const folder of folders) {
    if (signal?.aborted) return null;
    try {
      const entries = await readdir(folder, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.startsWith('.')) continue;
        // Files inside hidden folders are not part of the dataset either.
        if (/(^|[\\/])\./.test(entry.parentPath.slice(folder.length))) continue;
        count += 1;
      }
    } catch {
      return null;
    }
  }
  return count;
}
