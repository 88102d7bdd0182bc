import { join } from 'node:path';
import { z } from 'zod';
import type { StateLog } from './json-state-file';
import { readStateFile, writeStateFile } from './json-state-file';

const coordinate = z.number().int().min(-100_000).max(100_000);
const extent = z.number().int().min(100).max(100_000);

/** The main window's placement, as last left. */
export const windowStateSchema = z.object({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: extent,
  height: extent,
  maximized: z.boolean().default(false),
  fullScreen: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** The main window's placement, kept in `window.json`. */
export interface WindowStateStore {
  /** The last placement, or null before the first. */
  read(): Promise<WindowState | null>;
  write(state: WindowState): Promise<void>;
}

/** The window-placement store in `folder`. */
export function createWindowStateStore(folder: string, log: StateLog): WindowStateStore {
  const file = join(folder, 'window.json');
  return {
    read: () => readStateFile<WindowState | null>(file, windowStateSchema, null, log),
    async write(state) {
      await writeStateFile(file, windowStateSchema.parse(state), 'the window placement');
    },
  };
}
