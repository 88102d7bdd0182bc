import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkEngine } from '../../src/main/services/training/engine-channel';
import type { EngineLauncher } from '../../src/main/services/training/engine-channel';
import { startTraining } from '../../src/main/services/training/training-service';
import type { DatasetReport } from '../../src/shared/dataset/dataset-report';
import { StudioError } from '../../src/shared/errors';
import { makeDirtyDataset, makeTempDir, put, rawPng, gradientPixels } from '../main/services/data/dataset-fixtures';
import { smallProject } from '../support/training-fixtures';
import { tinyNet } from './support/adversarial-fixtures';
import { sentenceProblem } from './support/case-outcome';
import { peakRssMb } from './support/engine-launchers';
import { noteExample, noteMeasurement, tallyOf } from './support/figures';
import { blackPng } from './support/huge-png';

/**
 * Training on a dirty image folder (issue 15), in the engine process as the studio runs it: the
 * dataset of the data pipeline's own tests (zero-byte and truncated PNG/JPEG, text named .jpg, a PNG
 * named .jpg, CMYK, 16-bit, grey+alpha and palette PNGs, EXIF-rotated JPEG, animated GIF, non-UTF-8
 * and very long names, link loops, a FIFO, hidden and system files; test/main/services/data/
 * dataset-fixtures.ts) plus a real, complete 17,000 x 17,000 PNG and a file the engine may not read.
 * Training must complete on the good images, every bad file be listed once with its reason, and the
 * huge image be refused, not decoded: the engine's peak memory stays far below what decoding it takes.
 */

/** As root, permissions stop nobody: the engine then runs as `nobody`, for whom a mode-000 file is unreadable. */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const launch: EngineLauncher = asRoot ? () => forkEngine({ uid: NOBODY, gid: NOBODY }) : () => forkEngine();
/** Decoding the 17,000 x 17,000 RGB image would take this much memory, at least. */
const DECODED_HUGE_MB = (17_000 * 17_000 * 3) / 1024 / 1024;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let dataset: string;
let expectedSkips: Record<string, string>;
let goodCount: number;

/** Lets `nobody` read the dataset and write runs (mkdtemp makes folders only root can enter); the locked file stays locked. */
async function openToEveryone(dir: string): Promise<void> {
  if (!asRoot) return;
  // chmod(1) walks names as bytes (a non-UTF-8 name cannot go through a JavaScript string) and does not follow links.
  execFileSync('chmod', ['-R', 'a+rwX', dir]);
  await chmod(join(dataset, 'dogs', 'locked.png'), 0o000).catch(() => undefined);
}

beforeAll(async () => {
  temp = await makeTempDir('cnn-adv-dirty-');
  dataset = join(temp.dir, 'dirty');
  const dirty = await makeDirtyDataset(dataset);
  await writeFile(join(dataset, 'cats', 'huge-real.png'), await blackPng(17_000, 17_000));
  await put(join(dataset, 'dogs', 'locked.png'), await rawPng(gradientPixels(12, 10, 3), 12, 10, 3));
  await chmod(join(dataset, 'dogs', 'locked.png'), 0o000);
  if (asRoot) await chown(join(dataset, 'dogs', 'locked.png'), 0, 0);
  expectedSkips = { ...dirty.skipped, 'cats/huge-real.png': 'too-many-pixels', 'dogs/locked.png': 'unreadable' };
  goodCount = Object.values(dirty.good).flat().length;
  await openToEveryone(temp.dir);
}, 60_000);
afterAll(() => temp.remove());

/** Trains the tiny network on `data` in an engine process, following its peak memory. */
async function trainWatched(data: string, runDir: string): Promise<{ outcome: unknown; peakMb: number | null }> {
  let peak: number | null = null;
  const job = startTraining(launch, { project: smallProject(tinyNet(2), { epochs: 2, batchSize: 4 }), projectPath: null, dataPath: data, runDir, cwd: temp.dir }, {
    onEvent(event) {
      // VmHWM is the high-water mark: read while the process lives, at the end it is the peak.
      if (event.type === 'done' && job.pid) void peakRssMb(job.pid).then((mb) => (peak = Math.max(peak ?? 0, mb ?? 0)));
    },
  });
  const timer = setInterval(() => {
    if (job.pid) void peakRssMb(job.pid).then((mb) => (peak = mb === null ? peak : Math.max(peak ?? 0, mb)));
  }, 100);
  const outcome = await job.result.then(
    (r) => r,
    (e: unknown) => e,
  );
  clearInterval(timer);
  return { outcome, peakMb: peak };
}

describe('training on a dirty image folder', () => {
  it('completes_on_the_good_images_and_lists_every_bad_file_once_with_its_reason', async (context) => {
    const tally = tallyOf(context, 'Bad image files');
    const runDir = join(temp.dir, 'runs', 'dirty');
    const { outcome, peakMb } = await trainWatched(dataset, runDir);
    tally.cases += Object.keys(expectedSkips).length;
    if (outcome instanceof Error || (outcome as { status?: string }).status !== 'completed') {
      tally.crashes += 1;
      noteExample(tally, `training on the dirty folder ended with ${outcome instanceof Error ? outcome.message : JSON.stringify(outcome)}`);
    }
    const report = JSON.parse(await readFile(join(runDir, 'dataset-report.json'), 'utf8')) as DatasetReport;
    const listed = new Map<string, string[]>();
    for (const s of report.skipped) listed.set(s.file, [...(listed.get(s.file) ?? []), s.code]);
    for (const [file, code] of Object.entries(expectedSkips)) {
      const codes = listed.get(file) ?? [];
      if (codes.length !== 1 || codes[0] !== code) {
        tally.unclear += 1;
        noteExample(tally, `${file} is listed ${codes.length} time(s) as ${codes.join(', ') || 'nothing'}, expected once as ${code}`);
      }
    }
    for (const s of report.skipped) {
      if (!(s.file in expectedSkips)) {
        tally.unclear += 1;
        noteExample(tally, `a good file was skipped: ${s.file} (${s.reason})`);
      }
      if (!s.reason || /\bat \S+:\d+|undefined/.test(s.reason)) {
        tally.unclear += 1;
        noteExample(tally, `${s.file}: the reason "${s.reason}" is no clause for people`);
      }
    }
    const used = report.splits.train.total + report.splits.validation.total;
    if (used !== goodCount) {
      tally.filesLost += 1;
      noteExample(tally, `${used} images used, ${goodCount} good ones in the folder`);
    }
    const huge = report.skipped.find((s) => s.file === 'cats/huge-real.png');
    noteMeasurement(tally, `the 17,000 x 17,000 PNG: "${huge?.reason}"; engine peak memory ${peakMb === null ? 'not measured (no /proc)' : `${Math.round(peakMb)} MB`} (decoding that image alone would take ${Math.round(DECODED_HUGE_MB)} MB)`);
    noteMeasurement(tally, `dirty folder: ${goodCount} good images used, ${report.skipped.length} bad files listed once each${asRoot ? ' (engine run as nobody, so a mode-000 file is unreadable)' : ''}`);
    expect(huge?.reason).toContain('refused without decoding');
    if (peakMb !== null) expect(peakMb).toBeLessThan(DECODED_HUGE_MB * 0.75);
    expect(tally.crashes + tally.unclear + tally.filesLost, tally.examples.join('\n')).toBe(0);
  });

  it('a_class_with_only_bad_files_is_a_clear_error_before_training_starts', async (context) => {
    const tally = tallyOf(context, 'Bad image files');
    const data = join(temp.dir, 'empty-class');
    await put(join(data, 'cats', 'ok.png'), await rawPng(gradientPixels(12, 10, 3), 12, 10, 3));
    await put(join(data, 'cats', 'ok2.png'), await rawPng(gradientPixels(10, 10, 3), 10, 10, 3));
    await put(join(data, 'dogs', 'zero.png'), new Uint8Array(0));
    await put(join(data, 'dogs', 'text.jpg'), 'not a picture');
    await openToEveryone(data);
    const runDir = join(temp.dir, 'runs', 'empty-class');
    const { outcome } = await trainWatched(data, runDir);
    tally.cases += 1;
    const problem = outcome instanceof StudioError ? sentenceProblem(outcome, (e) => (e.message.includes("'dogs'") ? null : 'it does not name the class folder')) : 'not a StudioError';
    if (problem) {
      tally.unclear += 1;
      noteExample(tally, `empty class: ${problem}: ${outcome instanceof Error ? outcome.message : String(outcome)}`);
    }
    // Nothing is left behind: the run folder is made only once the data is known to be usable.
    const left = await readdir(runDir).catch(() => null);
    if (left !== null) {
      tally.filesLost += 1;
      noteExample(tally, `a run folder was left: ${left.join(', ')}`);
    }
    await rm(data, { recursive: true, force: true });
    await mkdir(data);
    expect((outcome as StudioError).code).toBe('dataset-invalid');
    expect(tally.unclear + tally.filesLost, tally.examples.join('\n')).toBe(0);
  });
});
