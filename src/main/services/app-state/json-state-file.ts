import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write';

/** Where state files report what they had to ignore (a damaged file is not worth interrupting anyone). */
export type StateLog = (line: string) => void;

/** The largest state file read (recent files and window placement are a few hundred bytes). */
const MAX_STATE_BYTES = 1024 * 1024;

/**
 * Reads a small JSON state file; a missing, damaged or unexpected file reads as `fallback` (logged),
 * because losing the recent-files list must never keep the studio from starting.
 */
export async function readStateFile<T>(path: string, schema: z.ZodType<T>, fallback: T, log: StateLog): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`Ignoring ${path}: it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    return fallback;
  }
  if (text.length > MAX_STATE_BYTES) {
    log(`Ignoring ${path}: it is larger than a state file can be.`);
    return fallback;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    log(`Ignoring ${path}: it is not valid JSON.`);
    return fallback;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    log(`Ignoring ${path}: it does not hold what this version expects.`);
    return fallback;
  }
  return parsed.data;
}

/** Writes a state file atomically (readers see the old or the new content, never half). */
export async function writeStateFile(path: string, value: unknown, what: string): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { what });
}

/**
 * Runs read-modify-write steps one after another: two quick saves must not both read the old list
 * and lose one entry.
 */
export function createSerialQueue(): <T>(step: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = tail.then(step, step);
    tail = run.catch(() => undefined);
    return run;
  };
}
