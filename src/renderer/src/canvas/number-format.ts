import type { PaletteGroup } from '../../../shared/layers/types';

/** A count with thousands separators (`11,689,512`): every number on screen is exact. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** The CSS class carrying a palette group's colour (`group-normalisation-regularisation`). */
export function groupClass(group: PaletteGroup | null): string {
  if (!group) return 'group-unknown';
  return `group-${group.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`;
}
