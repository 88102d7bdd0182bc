import { z } from 'zod';
import { innerGraphSchema } from '../../../shared/layers/group';
import type { InnerGraph } from '../../../shared/layers/types';

/**
 * The user's own blocks, listed in the palette under "Blocks". They live in the project file's free
 * `ui` section (`ui.customBlocks`), so a project carries the blocks it was built with to any machine;
 * copy and paste a block node to bring it into another project. (A per-user library would need a
 * service and would leave projects depending on a machine; the clipboard already covers the rest.)
 */
export interface CustomBlock {
  name: string;
  graph: InnerGraph;
}

export const CUSTOM_BLOCKS_KEY = 'customBlocks';

const customBlocksSchema = z.array(z.object({ name: z.string().min(1).max(80), graph: innerGraphSchema.unwrap() })).max(500);

/** The custom blocks saved in a project's `ui` section; a damaged list reads as none. */
export function readCustomBlocks(ui: Readonly<Record<string, unknown>>): CustomBlock[] {
  const parsed = customBlocksSchema.safeParse(ui[CUSTOM_BLOCKS_KEY] ?? []);
  return parsed.success ? (parsed.data as CustomBlock[]) : [];
}

/** The `ui` section with a block added (replacing one of the same name). */
export function withCustomBlock(ui: Readonly<Record<string, unknown>>, block: CustomBlock): Record<string, unknown> {
  const blocks = readCustomBlocks(ui).filter((b) => b.name !== block.name);
  return { ...ui, [CUSTOM_BLOCKS_KEY]: [...blocks, block] };
}

/** The `ui` section without the block of that name. */
export function withoutCustomBlock(ui: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> {
  return { ...ui, [CUSTOM_BLOCKS_KEY]: readCustomBlocks(ui).filter((b) => b.name !== name) };
}

/** `name`, or `name 2`, `name 3`... whichever no block has yet. */
export function uniqueBlockName(blocks: readonly CustomBlock[], name: string): string {
  const base = name.trim() || 'Block';
  if (!blocks.some((b) => b.name === base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base} ${i}`;
    if (!blocks.some((b) => b.name === candidate)) return candidate;
  }
}
