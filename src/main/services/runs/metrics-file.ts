import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../../../shared/run/run-events';
import { runEventSchema } from '../../../shared/run/run-events';
import { fileWriteError } from '../files/atomic-write';
import { RUN_FILES } from './run-folder';

/**
 * `metrics.jsonl` is append-only: one event per line. A process killed mid-append can leave a torn
 * last line; readers skip lines that do not parse and say how many.
 */
export async function appendRunEvent(runDir: string, event: RunEvent): Promise<void> {
  const path = join(runDir, RUN_FILES.metrics);
  try {
    await appendFile(path, `${JSON.stringify(event)}\n`);
  } catch (error) {
    throw fileWriteError(path, error, 'the metrics log');
  }
}

export async function readRunEvents(runDir: string): Promise<{ events: RunEvent[]; damagedLines: number }> {
  let text: string;
  try {
    text = await readFile(join(runDir, RUN_FILES.metrics), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], damagedLines: 0 };
    throw error;
  }
  const events: RunEvent[] = [];
  let damagedLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = runEventSchema.safeParse(JSON.parse(line));
      if (parsed.success) events.push(parsed.data);
      else damagedLines += 1;
    } catch {
      damagedLines += 1;
    }
  }
  return { events, damagedLines };
}
