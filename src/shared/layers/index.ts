import { activationLayer } from './activation';
import { batchNormLayer } from './batch-norm';
import { conv2dLayer } from './conv2d';
import { denseLayer } from './dense';
import { depthwiseConv2dLayer } from './depthwise-conv2d';
import { dropoutLayer } from './dropout';
import { flattenLayer } from './flatten';
import { groupLayer } from './group';
import { inceptionLayer } from './inception';
import { inputLayer } from './input';
import { invertedResidualLayer } from './inverted-residual';
import { addLayer, concatenateLayer } from './merge';
import { outputLayer } from './output';
import type { ParamDecls, ParamsOf } from './params';
import { avgPool2dLayer, globalAvgPoolLayer, globalMaxPoolLayer, maxPool2dLayer } from './pooling';
import { residualLayer } from './residual';
import { separableConv2dLayer } from './separable-conv2d';
import type { CompositeLayerDeclaration, LayerDeclaration, LayerKind, PrimitiveLayerDeclaration } from './types';
import { zeroPadding2dLayer } from './zero-padding';

/**
 * Every layer kind, in palette order. Explicit, with no registration by import side effect; a test
 * checks that kinds are unique and that every engine and exporter handles every kind.
 */
export const LAYER_DECLARATIONS: readonly LayerDeclaration[] = [
  inputLayer,
  conv2dLayer,
  depthwiseConv2dLayer,
  separableConv2dLayer,
  zeroPadding2dLayer,
  activationLayer,
  maxPool2dLayer,
  avgPool2dLayer,
  globalAvgPoolLayer,
  globalMaxPoolLayer,
  flattenLayer,
  denseLayer,
  batchNormLayer,
  dropoutLayer,
  addLayer,
  concatenateLayer,
  inceptionLayer,
  residualLayer,
  invertedResidualLayer,
  groupLayer,
  outputLayer,
] as readonly LayerDeclaration[];

const byKind = new Map<string, LayerDeclaration>(LAYER_DECLARATIONS.map((d) => [d.kind, d]));

export const LAYER_KINDS: readonly LayerKind[] = LAYER_DECLARATIONS.map((d) => d.kind);

/** Primitive kinds: what the compiler and the exporters must implement (blocks expand into these). */
export const PRIMITIVE_KINDS = LAYER_DECLARATIONS.filter((d) => !d.composite).map((d) => d.kind) as readonly PrimitiveKind[];
export type PrimitiveKind = Exclude<LayerKind, 'Inception' | 'Residual' | 'InvertedResidual' | 'Group'>;

/** The declaration of a kind, or undefined for a name the studio does not know. */
export function findLayer(kind: string): LayerDeclaration | undefined {
  return byKind.get(kind);
}

export function isLayerKind(kind: string): kind is LayerKind {
  return byKind.has(kind);
}

export function isPrimitive(decl: LayerDeclaration): decl is PrimitiveLayerDeclaration {
  return !decl.composite;
}
export function isComposite(decl: LayerDeclaration): decl is CompositeLayerDeclaration {
  return decl.composite;
}

export type { LayerDeclaration, LayerKind, ParamDecls, ParamsOf };
export { activationLayer, addLayer, avgPool2dLayer, batchNormLayer, concatenateLayer, conv2dLayer, denseLayer, depthwiseConv2dLayer, dropoutLayer, flattenLayer };
export { globalAvgPoolLayer, globalMaxPoolLayer, groupLayer, inceptionLayer, inputLayer, invertedResidualLayer, maxPool2dLayer, outputLayer, residualLayer };
export { separableConv2dLayer, zeroPadding2dLayer };
