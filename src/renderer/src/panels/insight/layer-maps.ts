import type { ShownActivation } from '../../../../shared/api/methods/insight';
import type { ValueRange } from '../../../../shared/insight/colour-scale';
import { rangeOf } from '../../../../shared/insight/colour-scale';
import type { Grid } from '../../../../shared/insight/grids';
import { flatValues } from '../../../../shared/insight/grids';
import type { FlatNode } from '../../../../shared/shapes/analyze';

/** True for a layer's output of N values (N maps of 1x1), drawn as one strip. */
export function isVector(layer: Pick<ShownActivation, 'shape'>): boolean {
  return layer.shape[1] === 1 && layer.shape[2] === 1;
}

/** A vector's shown values as one 1 x N strip. */
export function vectorStrip(layer: ShownActivation): Grid {
  return [layer.maps.map((m) => m[0]?.[0] ?? 0)];
}

/** The colour range of one map: the whole layer's (its statistics cover every map) or the map's own. */
export function mapRange(layer: ShownActivation, channel: number, per: 'layer' | 'map'): ValueRange {
  if (per === 'layer' || isVector(layer)) return { min: layer.stats.min, max: layer.stats.max };
  return rangeOf(flatValues(layer.maps[channel] ?? []));
}

/** True when the layer ends in a ReLU, so its zeros are units switched off. */
export function endsInRelu(node: Pick<FlatNode, 'kind' | 'params'> | undefined): boolean {
  if (!node) return false;
  const activation = node.params.activation;
  return activation === 'relu' || activation === 'relu6';
}

/** `28x28x6` for `[C, H, W]` = `[6, 28, 28]`; a vector as its length. */
export function shapeText(layer: Pick<ShownActivation, 'shape'>): string {
  const [c, h, w] = layer.shape;
  return isVector(layer) ? `${c}` : `${h}x${w}x${c}`;
}
