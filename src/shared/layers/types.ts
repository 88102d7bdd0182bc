import type { Shape } from '../tensor-shape';
import type { ParamDecls, ParamsOf } from './params';

/** Every layer kind the studio knows. One module in this folder declares each. */
export type LayerKind =
  | 'Input'
  | 'Conv2D'
  | 'DepthwiseConv2D'
  | 'SeparableConv2D'
  | 'ZeroPadding2D'
  | 'MaxPool2D'
  | 'AvgPool2D'
  | 'GlobalAvgPool'
  | 'GlobalMaxPool'
  | 'Flatten'
  | 'Dense'
  | 'Dropout'
  | 'BatchNorm'
  | 'Activation'
  | 'Add'
  | 'Concatenate'
  | 'Inception'
  | 'Residual'
  | 'InvertedResidual'
  | 'Group'
  | 'Output';

/** The palette's groups, in the order the palette shows them. */
export const PALETTE_GROUPS = [
  'Input',
  'Convolution',
  'Pooling',
  'Dense',
  'Normalisation & Regularisation',
  'Merge',
  'Blocks',
  'Output',
] as const;
export type PaletteGroup = (typeof PALETTE_GROUPS)[number];

/** How many inputs a kind takes. */
export interface PortRule {
  min: number;
  /** `Infinity` for merges. */
  max: number;
}

/** Trainable and non-trainable scalar weights of a node. */
export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

export interface ShapeResult {
  shape: Shape;
  /** Sentences about legal but probably unintended settings (rows dropped by a stride, ...). */
  warnings?: string[];
}

/** A node inside a composite block's expansion. `from: '$input'` (or `$input1`, ...) is the block's own input. */
export interface InnerNode {
  id: string;
  kind: LayerKind;
  params: Record<string, unknown>;
}
export interface InnerEdge {
  from: string;
  to: string;
}
export interface InnerGraph {
  nodes: InnerNode[];
  edges: InnerEdge[];
  /** The inner node whose output is the block's output. */
  output: string;
}

interface LayerDeclarationBase<D extends ParamDecls> {
  kind: LayerKind;
  /** Bumped when the meaning of a parameter changes; project migration keys on it. */
  version: number;
  group: PaletteGroup;
  label: string;
  /** What the layer does, for the palette tooltip and the "explain" card. */
  doc: string;
  /** The formula(s) behind its shape and parameter count, for the "explain" card. */
  formula: string;
  params: D;
  inputs: PortRule;
  /** True when the kind holds weights (and so has a `trainable` switch). */
  hasWeights: boolean;
  /** The key parameters in a few characters (`6@5x5 s1 relu`), for the node on the canvas. */
  summarize(params: ParamsOf<D>): string;
}

/** A kind the engines and exporters implement directly. */
export interface PrimitiveLayerDeclaration<D extends ParamDecls = ParamDecls> extends LayerDeclarationBase<D> {
  composite: false;
  /** Output shape for the given input shapes; throws `ShapeError` with a sentence when impossible. */
  inferShape(inputs: readonly Shape[], params: ParamsOf<D>): ShapeResult;
  /** Number of scalar weights as declared; freezing (trainable off) is applied by the caller. */
  countParams(inputs: readonly Shape[], params: ParamsOf<D>, output: Shape): ParamCount;
}

/**
 * A block (Inception, Residual, a user's group): its parameters expand into an inner graph of other
 * kinds. Shape inference, the compiler and the exporters all work on the expansion, so no engine or
 * exporter special-cases blocks.
 */
export interface CompositeLayerDeclaration<D extends ParamDecls = ParamDecls> extends LayerDeclarationBase<D> {
  composite: true;
  /** The inner graph for these parameters and input shapes; throws `ShapeError` when the inputs do not fit. */
  expand(params: ParamsOf<D>, inputs: readonly Shape[]): InnerGraph;
}

/**
 * The declaration of one layer kind, read like an ONNX OpSchema: name, doc, parameters, ports, and
 * either a shape rule with a parameter count (primitive) or an expansion (composite).
 */
export type LayerDeclaration<D extends ParamDecls = ParamDecls> = PrimitiveLayerDeclaration<D> | CompositeLayerDeclaration<D>;

/** Thrown by shape rules; the analyser attaches the node. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Types a declaration against its own parameter set while returning the registry's common type. */
export function defineLayer<D extends ParamDecls>(declaration: Omit<PrimitiveLayerDeclaration<D>, 'composite'>): PrimitiveLayerDeclaration<D> {
  return { ...declaration, composite: false };
}

/** The same for blocks. */
export function defineBlock<D extends ParamDecls>(declaration: Omit<CompositeLayerDeclaration<D>, 'composite'>): CompositeLayerDeclaration<D> {
  return { ...declaration, composite: true };
}
