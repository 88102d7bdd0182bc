import { weightShapesOf } from '../layers/weight-shapes';
import type { FlatGraph } from '../shapes/analyze';
import type { WeightRole, WeightSet } from '../weights';

/** A layer of the network that takes none of the given weights, and why. */
export interface UnmatchedNode {
  /** Flat node id (`block.conv1` inside blocks). */
  node: string;
  reason: 'absent' | 'shape differs';
  /** A sentence: which role has which shape against which. */
  detail: string;
}

export interface WeightMatch {
  /** The weights that fit, by node: a node takes all of its roles or none. */
  matched: WeightSet;
  /** Flat ids of the nodes that took weights. */
  loaded: string[];
  /** Nodes with weights of their own that got none. */
  unmatched: UnmatchedNode[];
  /** Nodes of the weight set that the network does not have. */
  unused: string[];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Matches a weight set (a run's, an imported model's) to a network by node id: each node whose every
 * weight is there with its shape takes them; the others are listed with the reason (absent, or the
 * role whose shape differs), so fine-tuning can say which layers start fresh.
 */
export function matchWeights(flat: FlatGraph, weights: WeightSet): WeightMatch {
  const matched: WeightSet = {};
  const loaded: string[] = [];
  const unmatched: UnmatchedNode[] = [];
  for (const node of flat.nodes) {
    const expected = Object.entries(weightShapesOf(node)) as [WeightRole, number[]][];
    if (!expected.length) continue;
    const entry = weights[node.id];
    if (!entry) {
      unmatched.push({ node: node.id, reason: 'absent', detail: `${node.id} has no weights there` });
      continue;
    }
    const wrong = expected.find(([role, shape]) => {
      const t = entry[role];
      return !t || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.values.length !== shape.reduce((p, d) => p * d, 1);
    });
    if (wrong) {
      const [role, shape] = wrong;
      const found = entry[role];
      unmatched.push({
        node: node.id,
        reason: found ? 'shape differs' : 'absent',
        detail: found ? `${node.id}/${role} is ${shapeText(found.shape)} there but ${shapeText(shape)} here` : `${node.id} has no ${role} there`,
      });
      continue;
    }
    matched[node.id] = Object.fromEntries(expected.map(([role]) => [role, entry[role]!]));
    loaded.push(node.id);
  }
  const ids = new Set(flat.nodes.map((n) => n.id));
  return { matched, loaded, unmatched, unused: Object.keys(weights).filter((id) => !ids.has(id)) };
}

/** One sentence about the layers that start without the given weights, or null when every layer got them. */
export function unmatchedSentence(match: WeightMatch, source: string): string | null {
  if (!match.unmatched.length) return null;
  const shown = match.unmatched.slice(0, 8).map((u) => (u.reason === 'absent' ? `${u.node} (absent)` : `${u.node} (shape differs: ${u.detail})`));
  const more = match.unmatched.length > 8 ? ` and ${match.unmatched.length - 8} more` : '';
  return `${match.unmatched.length} layer(s) got no weights from ${source} and start from a fresh initialisation: ${shown.join(', ')}${more}.`;
}
