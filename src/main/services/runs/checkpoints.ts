import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import type { NamedTensor } from '../../../shared/tensor-pack';
import { packTensors, unpackTensors } from '../../../shared/tensor-pack';
import type { WeightSet } from '../../../shared/weights';
import { fileWriteError, removeStaleTemporariesIn, writeFileAtomic } from '../files/atomic-write';
import { RUN_FILES } from './run-folder';
import { readWeightsFolder, writeWeightsFolder } from './weights-folder';

/** The training state beside a checkpoint's weights: enough to resume exactly where it stopped. */
export const checkpointStateSchema = z.object({
  format: z.literal('cnn-studio/checkpoint'),
  version: z.literal(1),
  epoch: z.number().int().min(1),
  /** Training steps (batches) taken so far. */
  step: z.number().int().min(0).default(0),
  schedule: z.object({ rate: z.number(), bestLoss: z.number().nullable(), badEpochs: z.number().int() }),
  earlyStopping: z.object({ bestLoss: z.number().nullable(), bestEpoch: z.number().int().nullable(), badEpochs: z.number().int() }),
  /** Seconds of training so far, for the ETA and the run's duration. */
  seconds: z.number(),
  /** Fine-tuning phase the next epoch belongs to. */
  phase: z.number().int().min(1).default(1),
});
export type CheckpointState = z.infer<typeof checkpointStateSchema>;

export interface Checkpoint {
  state: CheckpointState;
  weights: WeightSet;
  optimizer: NamedTensor[];
}

const OPTIMIZER_MANIFEST = 'optimizer.json';
const OPTIMIZER_BINARY = 'optimizer.bin';
const STATE_FILE = 'state.json';

export function epochCheckpointFolder(epoch: number): string {
  return join(RUN_FILES.checkpoints, `epoch-${String(epoch).padStart(4, '0')}`);
}

/**
 * Writes a whole checkpoint folder under a temporary name and renames it into place, so a folder
 * named `epoch-NNNN` (or `best`) is always complete: a crash or a full disk mid-write leaves only a
 * temporary folder, which readers ignore and the next write removes.
 */
export async function writeCheckpointFolder(runDir: string, folder: string, checkpoint: Checkpoint): Promise<void> {
  const target = join(runDir, folder);
  const temp = `${target}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await clearInterruptedWrites(target);
    await writeWeightsFolder(temp, checkpoint.weights);
    const { manifest, data } = packTensors(checkpoint.optimizer);
    await writeFileAtomic(join(temp, OPTIMIZER_BINARY), data, { what: 'the optimizer state' });
    await writeFileAtomic(join(temp, OPTIMIZER_MANIFEST), `${JSON.stringify(manifest)}\n`, { what: 'the optimizer state' });
    await writeFileAtomic(join(temp, STATE_FILE), `${JSON.stringify(checkpoint.state, null, 2)}\n`, { what: 'the checkpoint state' });
    await replaceFolder(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error instanceof StudioError ? error : fileWriteError(target, error, 'the checkpoint');
  }
}

/**
 * What a writer killed mid-checkpoint left beside `target`: partial folders are removed, and a
 * previous checkpoint moved aside (`.old-`) goes back when `target` itself is missing. One process
 * trains a run at a time, so none of these belong to a live writer.
 */
async function clearInterruptedWrites(target: string): Promise<void> {
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  const base = basename(target);
  for (const name of names) {
    const leftover = join(dirname(target), name);
    if (name.startsWith(`${base}.old-`) && !(await stat(target).then(() => true, () => false))) await rename(leftover, target);
    else if (name.startsWith(`${base}.partial-`) || name.startsWith(`${base}.old-`)) await rm(leftover, { recursive: true, force: true });
  }
}

/**
 * Clears what a training process killed mid-write left in its run folder: partial checkpoints and the
 * temporary files of its other writes. Called by the parent once it knows the process is gone.
 */
export async function clearInterruptedRunWrites(runDir: string): Promise<void> {
  for (const dir of [runDir, join(runDir, RUN_FILES.weights), join(runDir, RUN_FILES.initial), join(runDir, RUN_FILES.checkpoints)]) await removeStaleTemporariesIn(dir);
  const checkpoints = join(runDir, RUN_FILES.checkpoints);
  const names = await readdir(checkpoints).catch(() => [] as string[]);
  const targets = new Set(names.flatMap((name) => /^(.+)\.(partial|old)-[0-9a-f]{8}$/.exec(name)?.[1] ?? []));
  for (const target of targets) await clearInterruptedWrites(join(checkpoints, target));
}

/** Puts `source` at `target`, replacing a previous folder without a moment where neither exists whole. */
async function replaceFolder(source: string, target: string): Promise<void> {
  const old = `${target}.old-${randomBytes(4).toString('hex')}`;
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(source, target);
  } catch (error) {
    if (moved) await rename(old, target).catch(() => undefined);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

export async function readCheckpointFolder(runDir: string, folder: string): Promise<Checkpoint> {
  const dir = join(runDir, folder);
  const damaged = (what: string) => new StudioError('run-invalid', `The checkpoint ${dir} is damaged: ${what}.`, { hint: 'Resume from an earlier checkpoint, or train again.', where: dir });
  const weights = await readWeightsFolder(dir);
  let state: CheckpointState;
  let optimizer: NamedTensor[] | null;
  try {
    const parsed = checkpointStateSchema.safeParse(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')));
    if (!parsed.success) throw damaged('its state.json is malformed');
    state = parsed.data;
    const manifest = JSON.parse(await readFile(join(dir, OPTIMIZER_MANIFEST), 'utf8'));
    const data = await readFile(join(dir, OPTIMIZER_BINARY));
    optimizer = unpackTensors(manifest, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw damaged(error instanceof SyntaxError ? 'a JSON file is invalid' : 'a file is missing or unreadable');
  }
  if (!optimizer) throw damaged('the optimizer state does not match its manifest');
  return { state, weights, optimizer };
}
