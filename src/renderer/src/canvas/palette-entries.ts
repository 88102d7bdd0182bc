import { z } from 'zod';
import type { LayerDeclaration } from '../../../shared/layers';
import { LAYER_DECLARATIONS } from '../../../shared/layers';
import type { PaletteGroup } from '../../../shared/layers/types';
import { PALETTE_GROUPS } from '../../../shared/layers/types';
import type { TemplateDeclaration } from '../../../shared/templates';
import type { CustomBlock } from '../graph-edits/custom-blocks';

/** One thing the palette offers; everything shown is derived from the declarations. */
export type PaletteEntry =
  | { type: 'layer'; key: string; kind: string; label: string; group: PaletteGroup; doc: string }
  | { type: 'custom-block'; key: string; name: string; label: string; group: 'Blocks'; doc: string }
  | { type: 'template'; key: string; name: string; label: string; doc: string; small: boolean };

export interface PaletteSection {
  title: string;
  /** The palette group, for colours; null for templates. */
  group: PaletteGroup | null;
  entries: PaletteEntry[];
}

/** The drag-and-drop payload type; the data is JSON naming what to add. */
export const PALETTE_MIME = 'application/x-cnn-studio-palette';

export const paletteDropSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('layer'), kind: z.string().max(64) }),
  z.strictObject({ type: z.literal('custom-block'), name: z.string().max(80) }),
  z.strictObject({ type: z.literal('template'), name: z.string().max(64) }),
]);
export type PaletteDrop = z.infer<typeof paletteDropSchema>;

/** What a palette entry drops onto the canvas. */
export function dropOf(entry: PaletteEntry): PaletteDrop {
  if (entry.type === 'layer') return { type: 'layer', kind: entry.kind };
  return { type: entry.type, name: entry.name };
}

/** Reads a drop's payload; null for anything not dragged from the palette. */
export function parsePaletteDrop(text: string | undefined | null): PaletteDrop | null {
  if (!text) return null;
  try {
    const parsed = paletteDropSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function layerEntry(decl: LayerDeclaration): PaletteEntry {
  return { type: 'layer', key: `layer:${decl.kind}`, kind: decl.kind, label: decl.label, group: decl.group, doc: decl.doc };
}

function matches(query: string, ...texts: string[]): boolean {
  const haystack = texts.join(' ').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => haystack.includes(term));
}

/**
 * The palette: every layer kind under its group (in `PALETTE_GROUPS` order; `Group` is made from a
 * selection rather than dropped, so the palette offers it as "group the selection"), the user's blocks with
 * the built-in ones, then the templates. A query keeps the entries whose name, kind, group or
 * description hold every word of it; empty sections are dropped.
 */
export function paletteSections(templates: readonly TemplateDeclaration[], blocks: readonly CustomBlock[], query = ''): PaletteSection[] {
  const q = query.trim();
  const sections: PaletteSection[] = PALETTE_GROUPS.map((group) => {
    const entries = LAYER_DECLARATIONS.filter((d) => d.group === group).map(layerEntry);
    if (group === 'Blocks') {
      for (const block of blocks) {
        entries.push({
          type: 'custom-block',
          key: `block:${block.name}`,
          name: block.name,
          label: block.name,
          group: 'Blocks',
          doc: `Your block: ${block.graph.nodes.length} layer${block.graph.nodes.length === 1 ? '' : 's'} (${block.graph.nodes.map((n) => n.id).join(', ')}).`,
        });
      }
    }
    return { title: group, group, entries: entries.filter((e) => !q || matches(q, e.label, e.type === 'layer' ? e.kind : 'block custom', group, e.doc)) };
  });
  sections.push({
    title: 'Templates',
    group: null,
    entries: templates
      .map((t): PaletteEntry => ({ type: 'template', key: `template:${t.name}`, name: t.name, label: t.label, doc: t.description, small: t.small }))
      .filter((e) => !q || matches(q, e.label, e.type === 'template' ? e.name : '', 'template', e.doc)),
  });
  return sections.filter((s) => s.entries.length > 0);
}
