import { mkdir, readdir } from 'node:fs/promises';
import { StudioError } from '../../../shared/errors';
import type { RunRecord } from '../../../shared/run/run-record';
import { RUN_FORMAT, RUN_VERSION } from '../../../shared/run/run-record';
import { fileWriteError } from '../files/atomic-write';
import { RUN_FILES, writeRunJson } from './run-folder';

/**
 * Checks that a new run may be written to `runDir`: it must not exist or be empty, so a new run never
 * mixes with an old one (resume continues an existing run instead).
 */
export async function checkRunFolderFree(runDir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(runDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new StudioError('file-unwritable', `${runDir} is a file, not a folder.`, { hint: 'Choose a new folder for the run with --out.', where: runDir });
    if (code !== 'ENOENT') throw fileWriteError(runDir, error, 'the run folder');
  }
  if (entries.length) {
    throw new StudioError('invalid-argument', `The run folder ${runDir} already exists and is not empty.`, {
      hint: 'Choose a new folder with --out, or continue that run with --resume.',
      where: runDir,
    });
  }
}

/** Creates a new run folder after `checkRunFolderFree` (checked again, in case it changed meanwhile). */
export async function prepareNewRunFolder(runDir: string): Promise<void> {
  await checkRunFolderFree(runDir);
  try {
    await mkdir(runDir, { recursive: true });
  } catch (error) {
    throw fileWriteError(runDir, error, 'the run folder');
  }
}

/** Keeps `run.json` current: every change is a whole-file atomic rewrite with a fresh `updatedAt`. */
export class RunRecordWriter {
  private current: RunRecord;

  constructor(
    private readonly runDir: string,
    initial: Omit<RunRecord, 'format' | 'version' | 'updatedAt'>,
  ) {
    this.current = { format: RUN_FORMAT, version: RUN_VERSION, ...initial, updatedAt: initial.createdAt };
  }

  get record(): RunRecord {
    return this.current;
  }

  async update(patch: Partial<RunRecord>): Promise<void> {
    this.current = { ...this.current, ...patch, updatedAt: new Date().toISOString() };
    await writeRunJson(this.runDir, RUN_FILES.record, this.current);
  }

  /**
   * Marks the run ended with its final weights in `weights/` (written before this, so that a finished
   * record always points at complete weights); a stop without a reason of its own says after which epoch.
   */
  async finish(status: 'completed' | 'stopped', message: string | null, lastEpoch: number): Promise<void> {
    await this.update({
      status,
      message: status === 'stopped' ? (message ?? `Stopped by the user after epoch ${lastEpoch}.`) : message,
      finishedAt: new Date().toISOString(),
      finalWeights: RUN_FILES.weights,
      pid: null,
    });
  }
}
