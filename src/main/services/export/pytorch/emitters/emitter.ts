import type { Padding } from '../../../../../shared/layers/params';
import { windowAxis } from '../../../../../shared/layers/window';
import type { FlatNode } from '../../../../../shared/shapes/analyze';

/** How the studio's weight roles of a node map onto its PyTorch submodule (studio_format.py: TORCH_NAMES). */
export type TorchWeightLayout = 'conv2d' | 'dense' | 'batch_norm' | 'depthwise' | 'separable';

/** Module-level helper functions (and classes) a node's code calls; written into model.py once when used. */
export type ModelHelper = 'average_of_real_cells' | 'separable_conv2d';

/** What an emitter gets for one flat node. */
export interface EmitContext {
  node: FlatNode;
  /** The node's Python name: its submodule attribute (`self.<name>`). */
  name: string;
  /** Python expressions of the node's inputs, in edge order. */
  inputs: string[];
}

/** The Python of one flat node. */
export interface EmittedNode {
  /** Statements of `__init__` (one submodule `self.<name> = ...`, or nothing). */
  init: string[];
  /** Statements of `forward` that leave the node's output in the variable `out`. */
  forward(out: string): string[];
  /** Set when the node holds weights: how they map onto its submodule. */
  weights?: TorchWeightLayout;
  /** The node's `trainable` switch is off: its parameters get `requires_grad_(False)`. */
  frozen?: boolean;
  /** The submodule is a BatchNorm that must stay in eval mode (frozen: running statistics in training too). */
  frozenBatchNorm?: boolean;
  /** Fixed starting filters `[filter][channel][row][col]` (presets or typed values). */
  fixedFilters?: number[][][][];
  helpers?: ModelHelper[];
}

/** Emits the PyTorch code of one primitive kind. */
export type PytorchEmitter = (context: EmitContext) => EmittedNode;

/** The node's params, typed as its kind declares them (the analyser validated and defaulted them). */
export function paramsOf<P>(context: EmitContext): P {
  return context.node.params as P;
}

/** The single input of a single-input kind. */
export function onlyInput(context: EmitContext): string {
  return context.inputs[0]!;
}

/** True when the node's (first) input is a feature map `[H, W, C]` rather than a vector. */
export function inputIsMap(context: EmitContext): boolean {
  return (context.node.inputShapes[0]?.length ?? 0) === 3;
}

/** Explicit pads `[left, right, top, bottom]` (F.pad's order for NCHW) of a window on the node's input. */
export interface WindowPads {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The zeros a window adds on each side of the node's `[H, W, C]` input (TF.js puts an odd one bottom/right). */
export function windowPads(context: EmitContext, kernel: number, stride: number, dilation: number, padding: Padding): WindowPads {
  const [h, w] = context.node.inputShapes[0] as readonly number[];
  const spec = { kernel, stride, dilation, padding };
  const rows = windowAxis(h!, spec);
  const cols = windowAxis(w!, spec);
  if (!rows || !cols) throw new Error(`${context.node.id}: the window does not fit its input`);
  return { left: cols.padBefore, right: cols.padAfter, top: rows.padBefore, bottom: rows.padAfter };
}

/** The one pad of all four sides when they are equal, else null. */
export function symmetricPad(pads: WindowPads): number | null {
  return pads.left === pads.right && pads.top === pads.bottom && pads.left === pads.top ? pads.left : null;
}

/** `(left, right, top, bottom)` as F.pad takes it. */
export function padTuple(pads: WindowPads): string {
  return `(${pads.left}, ${pads.right}, ${pads.top}, ${pads.bottom})`;
}

/** A number as Python source (JavaScript's shortest round-trip form is valid Python: `0.1`, `1e-7`). */
export function pyNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} has no Python literal here`);
  return String(value);
}

/** A float as Python source (`1` → `1.0`), for arguments PyTorch documents as floats. */
export function pyFloat(value: number): string {
  const text = pyNumber(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}
