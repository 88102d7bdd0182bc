import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { WeightSet } from '../../../shared/weights';
import { decodeWeights, encodeWeights } from '../../../shared/weights';
import { fileReadError, writeFileAtomic } from '../files/atomic-write';

export const WEIGHTS_MANIFEST = 'weights.json';
export const WEIGHTS_BINARY = 'weights.bin';

/**
 * Writes a weight set as `weights.bin` then `weights.json` into `dir`. The manifest is written last,
 * so a folder with a manifest always has its complete binary.
 */
export async function writeWeightsFolder(dir: string, weights: WeightSet): Promise<void> {
  const { manifest, data } = encodeWeights(weights);
  await writeFileAtomic(join(dir, WEIGHTS_BINARY), data, { what: 'the weights' });
  await writeFileAtomic(join(dir, WEIGHTS_MANIFEST), `${JSON.stringify(manifest)}\n`, { what: 'the weights manifest' });
}

/** Reads a folder written by `writeWeightsFolder`. */
export async function readWeightsFolder(dir: string): Promise<WeightSet> {
  let manifestText: string;
  let data: Buffer;
  try {
    manifestText = await readFile(join(dir, WEIGHTS_MANIFEST), 'utf8');
    data = await readFile(join(dir, WEIGHTS_BINARY));
  } catch (error) {
    const e = fileReadError(dir, error, 'a weights folder');
    throw new StudioError('run-invalid', `The weights in ${dir} cannot be read: ${e.message}`, { hint: 'Use another checkpoint, or train again.', where: dir });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    throw new StudioError('run-invalid', `${join(dir, WEIGHTS_MANIFEST)} is not valid JSON.`, { hint: 'Use another checkpoint, or train again.', where: dir });
  }
  return decodeWeights(manifest, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dir);
}
