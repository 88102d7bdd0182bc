import { describeError } from '../../../shared/errors';
import { buildTemplate } from '../../../shared/templates';
import { centredDrop } from '../canvas/drop-position';
import type { PaletteDrop } from '../canvas/palette-entries';
import type { Point } from '../graph-edits/node-edits';
import { useProjectStore } from '../stores/project-store';
import { useUiStore } from '../stores/ui-store';

/**
 * Adds what was taken from the palette at a point of the canvas (graph coordinates): a layer, one
 * of the user's blocks, or every layer of a template.
 * @returns `addFromPalette(drop, point)`, answering the new layer ids (none when refused, with a message).
 */
export function usePaletteDrop() {
  const project = useProjectStore();
  const ui = useUiStore();

  function addFromPalette(drop: PaletteDrop, point: Point): string[] {
    try {
      if (drop.type === 'layer') {
        if (drop.kind === 'Group') {
          ui.status = 'Select layers and press Ctrl+G (or click Group in the palette) to make a block.';
          return [];
        }
        return [project.addLayer(drop.kind, centredDrop(point))];
      }
      if (drop.type === 'custom-block') {
        const block = project.customBlocks.find((b) => b.name === drop.name);
        if (!block) {
          ui.toast(`The block "${drop.name}" is no longer in this project's palette.`, 'error');
          return [];
        }
        return [project.addLayer('Group', centredDrop(point), { name: block.name, graph: JSON.parse(JSON.stringify(block.graph)) as unknown })];
      }
      const graph = buildTemplate(drop.name);
      return project.insert(graph, { at: centredDrop(point) }, `Insert the ${drop.name} template`);
    } catch (error) {
      ui.toast(describeError(error), 'error');
      return [];
    }
  }

  return { addFromPalette };
}
