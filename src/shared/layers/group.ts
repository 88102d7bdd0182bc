import { z } from 'zod';
import { subgraph, text } from './params';
import type { InnerGraph } from './types';
import { ShapeError, defineBlock } from './types';

const innerIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and hold only letters, digits, _ and -');

/** The saved form of a custom block's inside: nodes, edges (from `$input` for the block's input) and the output node. */
export const innerGraphSchema = z
  .object({
    nodes: z
      .array(z.strictObject({ id: innerIdSchema, kind: z.string().max(64), params: z.record(z.string(), z.unknown()).default({}) }))
      .min(1, 'must hold at least one layer')
      .max(5000),
    edges: z.array(z.strictObject({ from: z.string().max(64), to: z.string().max(64) })).max(20000),
    output: z.string().max(64),
  })
  .nullable();

export const groupLayer = defineBlock({
  kind: 'Group',
  version: 1,
  group: 'Blocks',
  label: 'Group',
  doc: 'A block you made: a selection of layers grouped under one name, collapsed to one node and reusable from the palette.',
  formula: 'output = the output of its last layer;  parameters = the sum of its layers',
  params: {
    name: text({ label: 'Name', doc: 'The block\'s name in the palette and on the canvas.', default: 'Block', maxLength: 80 }),
    graph: subgraph({ label: 'Layers', doc: 'The layers inside the block.' }, innerGraphSchema),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  summarize: (p) => p.name,
  expand(p): InnerGraph {
    if (!p.graph) throw new ShapeError(`The block "${p.name}" is empty.`, 'Open it and add layers, or delete it.');
    const graph = p.graph as InnerGraph;
    if (!graph.nodes.some((n) => n.id === graph.output)) {
      throw new ShapeError(`The block "${p.name}" names "${graph.output}" as its output, but has no such layer.`, 'Choose one of its layers as the output.');
    }
    return graph;
  },
});
