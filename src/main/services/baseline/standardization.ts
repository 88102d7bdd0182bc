import type { NodeWeights } from '../../../shared/weights';

/**
 * Per-feature standardisation, z = (f − mean) / std, measured on the training split (as scikit-learn's
 * StandardScaler: population std, and a feature that never changes keeps std 1 so it stays 0).
 */
export interface Standardization {
  mean: Float64Array;
  std: Float64Array;
}

/** A std this small counts as a constant feature. */
const CONSTANT_FEATURE_STD = 1e-12;

/** Mean and standard deviation of each of `length` features over `count` rows of `values`. */
export function measureStandardization(values: Float32Array, count: number, length: number): Standardization {
  const mean = new Float64Array(length);
  const std = new Float64Array(length);
  for (let r = 0; r < count; r++) {
    const row = r * length;
    for (let j = 0; j < length; j++) mean[j] = mean[j]! + values[row + j]!;
  }
  for (let j = 0; j < length; j++) mean[j] = count ? mean[j]! / count : 0;
  // Two passes: the sum of squared deviations does not cancel the way E[f²] − E[f]² does.
  for (let r = 0; r < count; r++) {
    const row = r * length;
    for (let j = 0; j < length; j++) {
      const d = values[row + j]! - mean[j]!;
      std[j] = std[j]! + d * d;
    }
  }
  for (let j = 0; j < length; j++) {
    const s = count ? Math.sqrt(std[j]! / count) : 0;
    std[j] = s > CONSTANT_FEATURE_STD ? s : 1;
  }
  return { mean, std };
}

/** Standardises `count` rows of `values` in place. */
export function standardizeInPlace(values: Float32Array, count: number, s: Standardization): void {
  const length = s.mean.length;
  for (let r = 0; r < count; r++) {
    const row = r * length;
    for (let j = 0; j < length; j++) values[row + j] = (values[row + j]! - s.mean[j]!) / s.std[j]!;
  }
}

/**
 * A dense layer trained on standardised features, rewritten for raw features:
 * W'[j, c] = W[j, c] / std[j] and b'[c] = b[c] − Σⱼ W[j, c] · mean[j] / std[j]. The classifier stored
 * in the run then takes the features as they come, like any network takes its input.
 */
export function foldStandardization(weights: NodeWeights, s: Standardization): NodeWeights {
  const kernel = weights.kernel;
  if (!kernel || kernel.shape.length !== 2 || kernel.shape[0] !== s.mean.length) {
    throw new Error(`the classifier's kernel ${JSON.stringify(kernel?.shape)} does not take ${s.mean.length} features`);
  }
  const [length, classes] = kernel.shape as [number, number];
  const folded = new Float32Array(length * classes);
  const shift = new Float64Array(classes);
  for (let j = 0; j < length; j++) {
    for (let c = 0; c < classes; c++) {
      // The shift uses the stored (float32) weight, so rounding errs by w·(f − mean), not by w·f.
      const w = Math.fround(kernel.values[j * classes + c]! / s.std[j]!);
      folded[j * classes + c] = w;
      shift[c] = shift[c]! + w * s.mean[j]!;
    }
  }
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c++) bias[c] = (weights.bias?.values[c] ?? 0) - shift[c]!;
  return { kernel: { shape: [length, classes], values: folded }, bias: { shape: [classes], values: bias } };
}
