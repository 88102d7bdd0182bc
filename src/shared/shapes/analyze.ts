import type { GraphEdge, ModelGraph } from '../graph/model-graph';
import { INNER_ID_SEPARATOR, NODE_ID_PATTERN, topologicalOrder } from '../graph/model-graph';
import type { LayerDeclaration, PrimitiveKind } from '../layers';
import { findLayer } from '../layers';
import { parseParams } from '../layers/parse-params';
import type { InnerGraph, ParamCount } from '../layers/types';
import { ShapeError } from '../layers/types';
import type { Shape } from '../tensor-shape';
import type { GraphIssue } from './issues';

/** A primitive layer of the expanded graph: what the compiler and the exporters build. */
export interface FlatNode {
  /** The top-level id, or `block.inner` (nested: `block.inner.deeper`) for a block's layers. */
  id: string;
  kind: PrimitiveKind;
  /** Validated parameters with every default filled in. */
  params: Record<string, unknown>;
  /** Flat ids of its inputs, in order. */
  inputs: string[];
  inputShapes: Shape[];
  outputShape: Shape;
  /** The top-level node it belongs to (itself, or the block it came from). */
  owner: string;
  paramCount: ParamCount;
}

/** The graph with every block expanded, in topological order. Only built when the graph has no errors. */
export interface FlatGraph {
  nodes: FlatNode[];
  inputId: string;
  outputId: string;
}

/** What the canvas and `cnn-studio inspect` show for one top-level node. */
export interface NodeReport {
  id: string;
  kind: string;
  /** Null when the shape cannot be known (an error here or upstream). */
  outputShape: Shape | null;
  params: ParamCount;
  issues: GraphIssue[];
}

export interface GraphAnalysis {
  /** Top-level nodes in topological order (nodes on a cycle last). */
  nodes: NodeReport[];
  issues: GraphIssue[];
  totals: ParamCount & { total: number };
  /** The expanded graph, or null when there are errors. */
  flat: FlatGraph | null;
  /** The shape each edge carries, keyed `from->to`, for edge labels. */
  edgeShapes: Record<string, Shape>;
}

/** Blocks inside blocks deeper than this are refused (a user's group that contains itself, a mutated file). */
const MAX_BLOCK_DEPTH = 16;

interface Produced {
  flatId: string;
  shape: Shape;
}

/**
 * Checks a graph, infers every shape and counts every parameter, expanding blocks. Never throws for a
 * bad graph: every problem becomes an issue on the node at fault.
 */
export function analyzeGraph(graph: ModelGraph): GraphAnalysis {
  const issues: GraphIssue[] = [];
  const reports = new Map<string, NodeReport>();
  const error = (nodeId: string | undefined, code: GraphIssue['code'], message: string, hint?: string) => {
    const issue: GraphIssue = { severity: 'error', code, message, ...(nodeId ? { nodeId } : {}), ...(hint ? { hint } : {}) };
    issues.push(issue);
    if (nodeId) reports.get(nodeId)?.issues.push(issue);
  };
  const warn = (nodeId: string, code: GraphIssue['code'], message: string, hint?: string) => {
    const issue: GraphIssue = { severity: 'warning', code, message, nodeId, ...(hint ? { hint } : {}) };
    issues.push(issue);
    reports.get(nodeId)?.issues.push(issue);
  };

  // Structure: ids, kinds, edges.
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    if (seen.has(node.id)) {
      error(node.id, 'duplicate-id', `Two layers have the id "${node.id}".`, 'Rename one of them.');
      continue;
    }
    seen.add(node.id);
    reports.set(node.id, { id: node.id, kind: node.kind, outputShape: null, params: { trainable: 0, nonTrainable: 0 }, issues: [] });
    if (!NODE_ID_PATTERN.test(node.id)) {
      error(node.id, 'invalid-id', `The layer id "${node.id}" is not allowed.`, 'Use a letter first, then letters, digits, _ or - (at most 64 characters).');
    }
    if (!findLayer(node.kind)) {
      error(node.id, 'unknown-kind', `Layer ${node.id} has the unknown kind "${node.kind}".`, 'Replace it with a layer from the palette.');
    }
  }
  const edges: GraphEdge[] = [];
  for (const edge of graph.edges) {
    const missing = [edge.from, edge.to].filter((id) => !reports.has(id));
    if (missing.length) {
      error(reports.has(edge.from) ? edge.from : reports.has(edge.to) ? edge.to : undefined, 'unknown-node',
        `A connection ${edge.from} → ${edge.to} refers to the missing layer ${missing.join(' and ')}.`, 'Delete the connection.');
      continue;
    }
    edges.push(edge);
  }
  const nodes = graph.nodes.filter((n, i) => graph.nodes.findIndex((m) => m.id === n.id) === i);
  const clean: ModelGraph = { nodes, edges };

  // Cycles.
  const { order, cyclic, cycle } = topologicalOrder(clean);
  if (cyclic.length) {
    const path = cycle.join(' → ');
    for (const id of cycle.length ? cycle.slice(0, -1) : cyclic) {
      error(id, 'cycle', `Layer ${id} is on a cycle (${path}); data must flow one way from the Input to the Output.`, 'Remove one of these connections.');
    }
  }

  // One Input, one Output.
  const inputs = nodes.filter((n) => n.kind === 'Input');
  const outputs = nodes.filter((n) => n.kind === 'Output');
  if (inputs.length === 0) error(undefined, 'no-input', 'The network has no Input layer.', 'Add an Input from the palette and connect it to the first layer.');
  for (const extra of inputs.slice(1)) {
    error(extra.id, 'second-input', `Layer ${extra.id} is a second Input; a network here has exactly one Input (${inputs[0]!.id}).`, 'Delete it or connect its layers to the first Input.');
  }
  if (outputs.length === 0) error(undefined, 'no-output', 'The network has no Output layer.', 'Add an Output after the last layer (a Dense layer with one unit per class and softmax).');
  for (const extra of outputs.slice(1)) {
    error(extra.id, 'second-output', `Layer ${extra.id} is a second Output; a network here has exactly one Output (${outputs[0]!.id}).`, 'Delete one of them.');
  }
  for (const out of outputs) {
    const next = edges.filter((e) => e.from === out.id).map((e) => e.to);
    if (next.length) error(out.id, 'output-has-consumers', `The Output ${out.id} feeds ${next.join(', ')}, but the Output must be the last layer.`, 'Delete those connections.');
  }

  // Shapes and parameters, in topological order.
  const produced = new Map<string, Produced>();
  const flatNodes: FlatNode[] = [];
  const edgeShapes: Record<string, Shape> = {};
  for (const id of order) {
    const node = nodes.find((n) => n.id === id)!;
    const decl = findLayer(node.kind);
    const report = reports.get(id)!;
    if (!decl || report.issues.some((i) => i.severity === 'error')) continue;
    const sources = edges.filter((e) => e.to === id).map((e) => e.from);
    if (!checkPorts(decl, id, sources.length, error)) continue;
    const params = parseParams(decl, node.params);
    if (!params.ok) {
      for (const problem of params.problems) error(id, 'invalid-params', `${decl.label} ${id}: ${problem}.`, 'Correct it in the inspector.');
      continue;
    }
    const upstream = sources.map((s) => produced.get(s));
    if (upstream.some((u) => !u)) continue; // an error upstream already explains it
    const ins = upstream as Produced[];
    for (const [i, s] of sources.entries()) edgeShapes[`${s}->${id}`] = ins[i]!.shape;
    try {
      const result = emit(decl, params.value, ins, id, id, 0, flatNodes);
      report.outputShape = result.out.shape;
      report.params = result.count;
      produced.set(id, result.out);
      for (const w of result.warnings) warn(id, 'stride-remainder', `${decl.label} ${id}: ${w}`);
    } catch (e) {
      if (!(e instanceof BlockError || e instanceof ShapeError)) throw e;
      const inner = e instanceof BlockError ? e.innerPath : '';
      const where = inner ? `${decl.label} ${id}, inner layer ${inner}` : `${decl.label} ${id}`;
      error(id, e instanceof BlockError ? e.code : 'shape', `${where}: ${e.message}`, e.hint);
    }
  }

  // Connected from the Input and to the Output?
  if (inputs.length === 1 && outputs.length === 1 && !cyclic.length) {
    const fromInput = reach(inputs[0]!.id, edges, 'forward');
    const toOutput = reach(outputs[0]!.id, edges, 'backward');
    for (const node of nodes) {
      if (node.kind === 'Input' || node.kind === 'Output') continue;
      if (!toOutput.has(node.id)) {
        warn(node.id, 'disconnected', `Layer ${node.id} does not lead to the Output ${outputs[0]!.id}, so it is neither trained nor exported.`, 'Connect it or delete it.');
      } else if (!fromInput.has(node.id) && reports.get(node.id)!.issues.every((i) => i.code !== 'unconnected-input')) {
        warn(node.id, 'disconnected', `Layer ${node.id} is not fed from the Input ${inputs[0]!.id}.`, 'Connect it or delete it.');
      }
    }
    if (!toOutput.has(inputs[0]!.id)) error(outputs[0]!.id, 'unconnected-input', `No path leads from the Input ${inputs[0]!.id} to the Output ${outputs[0]!.id}.`, 'Connect the layers between them.');
  }

  const ordered = [...order, ...cyclic].map((id) => reports.get(id)!);
  const totals = ordered.reduce(
    (t, r) => ({ trainable: t.trainable + r.params.trainable, nonTrainable: t.nonTrainable + r.params.nonTrainable }),
    { trainable: 0, nonTrainable: 0 },
  );
  const hasErrors = issues.some((i) => i.severity === 'error');
  const flat =
    !hasErrors && inputs[0] && outputs[0]
      ? { nodes: prune(flatNodes, produced.get(outputs[0].id)!.flatId), inputId: inputs[0].id, outputId: produced.get(outputs[0].id)!.flatId }
      : null;
  return { nodes: ordered, issues, totals: { ...totals, total: totals.trainable + totals.nonTrainable }, flat, edgeShapes };
}

type ErrorFn = (nodeId: string | undefined, code: GraphIssue['code'], message: string, hint?: string) => void;

function checkPorts(decl: LayerDeclaration, id: string, count: number, error: ErrorFn): boolean {
  const { min, max } = decl.inputs;
  if (decl.kind === 'Input' && count > 0) {
    error(id, 'too-many-inputs', `The Input ${id} receives a connection, but nothing can flow into an Input.`, 'Delete the connection into it.');
    return false;
  }
  if (count < min) {
    const message =
      count === 0
        ? `Layer ${id} (${decl.label}) has no input.`
        : `Layer ${id} (${decl.label}) merges at least ${min} inputs but only ${count} ${count === 1 ? 'is' : 'are'} connected.`;
    error(id, 'unconnected-input', message, count === 0 ? 'Connect a layer into it.' : 'Connect another branch into it, or delete it.');
    return false;
  }
  if (count > max) {
    error(id, 'too-many-inputs', `Layer ${id} (${decl.label}) takes one input but ${count} are connected.`, 'Remove connections, or join the branches with an Add or Concatenate first.');
    return false;
  }
  return true;
}

/** An error inside a block, carried out to the block's node with the inner layer's path. */
class BlockError extends Error {
  constructor(
    message: string,
    readonly innerPath: string,
    readonly code: GraphIssue['code'],
    readonly hint?: string,
  ) {
    super(message);
  }
}

interface Emitted {
  out: Produced;
  count: ParamCount;
  warnings: string[];
}

/** Emits one node (expanding blocks recursively) into `flat`, and returns its output. */
function emit(
  decl: LayerDeclaration,
  params: Record<string, unknown>,
  inputs: Produced[],
  flatId: string,
  owner: string,
  depth: number,
  flat: FlatNode[],
): Emitted {
  const shapes = inputs.map((i) => i.shape);
  if (!decl.composite) {
    const { shape, warnings = [] } = decl.inferShape(shapes, params);
    const raw = decl.countParams(shapes, params, shape);
    const frozen = decl.hasWeights && params.trainable === false;
    const count = frozen ? { trainable: 0, nonTrainable: raw.trainable + raw.nonTrainable } : raw;
    flat.push({
      id: flatId,
      kind: decl.kind as PrimitiveKind,
      params,
      inputs: inputs.map((i) => i.flatId),
      inputShapes: shapes,
      outputShape: shape,
      owner,
      paramCount: count,
    });
    return { out: { flatId, shape }, count, warnings };
  }
  if (depth >= MAX_BLOCK_DEPTH) {
    throw new BlockError(`blocks are nested more than ${MAX_BLOCK_DEPTH} deep.`, '', 'too-deep', 'A block may not contain itself; ungroup some blocks.');
  }
  const inner = decl.expand(params, shapes);
  return emitInner(inner, inputs, flatId, owner, depth, flat);
}

function emitInner(inner: InnerGraph, inputs: Produced[], prefix: string, owner: string, depth: number, flat: FlatNode[]): Emitted {
  const local = new Map<string, Produced>();
  inputs.forEach((input, i) => {
    local.set(i === 0 ? '$input' : `$input${i}`, input);
  });
  const innerGraph: ModelGraph = { nodes: inner.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params })), edges: inner.edges.filter((e) => !e.from.startsWith('$')) };
  const { order, cyclic } = topologicalOrder(innerGraph);
  if (cyclic.length) throw new BlockError(`its layers ${cyclic.join(', ')} form a cycle.`, cyclic[0]!, 'cycle', 'Remove one of those connections.');
  const count: ParamCount = { trainable: 0, nonTrainable: 0 };
  const warnings: string[] = [];
  for (const id of order) {
    const node = inner.nodes.find((n) => n.id === id)!;
    const fail = (code: GraphIssue['code'], message: string, hint?: string): never => {
      throw new BlockError(message, id, code, hint);
    };
    const decl = findLayer(node.kind) ?? fail('unknown-kind', `the kind "${node.kind}" is unknown.`, 'Replace that layer.');
    const sources = inner.edges.filter((e) => e.to === id).map((e) => e.from);
    const ins = sources.map((s) => local.get(s) ?? fail('unknown-node', `its input "${s}" is not a layer of the block.`, 'Reconnect it.'));
    if (ins.length < decl.inputs.min || ins.length > decl.inputs.max) fail('unconnected-input', `it has ${ins.length} input(s) but ${decl.label} takes ${decl.inputs.min === decl.inputs.max ? decl.inputs.min : `${decl.inputs.min} or more`}.`, 'Reconnect it.');
    if (decl.kind === 'Input' || decl.kind === 'Output') fail('invalid-params', `a block cannot contain an ${decl.kind}.`, 'Remove it from the block.');
    const params = parseParams(decl, node.params);
    if (!params.ok) fail('invalid-params', `${params.problems.join('; ')}.`, 'Correct it in the block.');
    const flatId = `${prefix}${INNER_ID_SEPARATOR}${id}`;
    try {
      const result = emit(decl, (params as { value: Record<string, unknown> }).value, ins, flatId, owner, depth + 1, flat);
      local.set(id, result.out);
      count.trainable += result.count.trainable;
      count.nonTrainable += result.count.nonTrainable;
      warnings.push(...result.warnings.map((w) => `inner layer ${id}: ${w}`));
    } catch (e) {
      if (e instanceof BlockError) throw new BlockError(e.message, `${id}${INNER_ID_SEPARATOR}${e.innerPath}`, e.code, e.hint);
      if (e instanceof ShapeError) throw new BlockError(e.message, id, 'shape', e.hint);
      throw e;
    }
  }
  const out = local.get(inner.output);
  if (!out) throw new BlockError(`its output layer "${inner.output}" is not connected.`, inner.output, 'unconnected-input', 'Connect it.');
  return { out, count, warnings };
}

/** Keeps only the flat nodes the output depends on (disconnected layers are warned about, not compiled). */
function prune(nodes: FlatNode[], outputId: string): FlatNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const needed = new Set<string>();
  const stack = [outputId];
  while (stack.length) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    stack.push(...(byId.get(id)?.inputs ?? []));
  }
  return nodes.filter((n) => needed.has(n.id));
}

function reach(start: string, edges: GraphEdge[], direction: 'forward' | 'backward'): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of edges) {
      const [a, b] = direction === 'forward' ? [e.from, e.to] : [e.to, e.from];
      if (a === id && !seen.has(b)) {
        seen.add(b);
        stack.push(b);
      }
    }
  }
  return seen;
}
