import type { ModelGraph } from '../../../shared/graph/model-graph';
import { inputsOf, wouldCreateCycle } from '../../../shared/graph/model-graph';
import { findLayer } from '../../../shared/layers';

/**
 * Why `from → to` may not be drawn, as a sentence naming both layers, or null when it may. The same
 * rules the analyser reports afterwards, checked before the edge exists so the canvas can refuse it.
 */
export function connectionRefusal(graph: ModelGraph, from: string, to: string): string | null {
  const source = graph.nodes.find((n) => n.id === from);
  const target = graph.nodes.find((n) => n.id === to);
  if (!source || !target) return `Layer ${source ? to : from} is not on the canvas.`;
  if (from === to) return `Layer ${from} cannot feed itself.`;
  if (target.kind === 'Input') return `Nothing can flow into the Input ${to}; it is where the image enters the network.`;
  if (source.kind === 'Output') return `The Output ${from} is the last layer; nothing can follow it.`;
  if (graph.edges.some((e) => e.from === from && e.to === to)) return `${from} already feeds ${to}.`;
  const decl = findLayer(target.kind);
  const existing = inputsOf(graph, to);
  if (decl && existing.length >= decl.inputs.max) {
    const list = existing.join(', ');
    return (
      `${decl.label} ${to} takes one input and already receives ${list}. ` +
      'Delete that connection first, or join the branches with an Add or Concatenate layer.'
    );
  }
  if (wouldCreateCycle(graph, from, to)) {
    return `Connecting ${from} → ${to} would close a cycle (${to} already leads to ${from}); data must flow one way from the Input to the Output.`;
  }
  return null;
}
