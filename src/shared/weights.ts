import { StudioError } from './errors';

/**
 * Trained weights, by expanded-graph node id (`conv1`, `layer1_1.conv1`) and role: the format the
 * engine, the run folders, the exporters and the importers exchange. Shapes are TF.js's: a Conv2D
 * kernel is `[kh, kw, inChannels, filters]` (HWIO), a Dense/Output kernel `[inputs, units]`, a
 * DepthwiseConv2D kernel `[kh, kw, inChannels, multiplier]` (output channel c·M + m); a SeparableConv2D
 * holds a `depthwiseKernel` of that shape and a `pointwiseKernel` `[1, 1, inChannels·M, filters]`.
 */
export type WeightRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance' | 'depthwiseKernel' | 'pointwiseKernel';

export const WEIGHT_ROLES: readonly WeightRole[] = ['kernel', 'bias', 'gamma', 'beta', 'movingMean', 'movingVariance', 'depthwiseKernel', 'pointwiseKernel'];

/** Roles that multiply the input (kernels): L2 weight decay applies to these, not to biases or BatchNorm. */
export const KERNEL_ROLES: readonly WeightRole[] = ['kernel', 'depthwiseKernel', 'pointwiseKernel'];

export interface WeightTensor {
  shape: number[];
  values: Float32Array;
}

export type NodeWeights = Partial<Record<WeightRole, WeightTensor>>;

/** Flat node id → its weights. */
export type WeightSet = Record<string, NodeWeights>;

/** One entry of `weights.json`: where a tensor lies in `weights.bin` (float32, little-endian). */
export interface WeightManifestEntry {
  node: string;
  role: WeightRole;
  shape: number[];
  /** Offset in float32 elements from the start of weights.bin. */
  offset: number;
}

export interface WeightManifest {
  format: 'cnn-studio/weights';
  version: 1;
  tensors: WeightManifestEntry[];
}

/** Packs a weight set into a manifest and one binary buffer (little-endian float32). */
export function encodeWeights(weights: WeightSet): { manifest: WeightManifest; data: Uint8Array } {
  const tensors: WeightManifestEntry[] = [];
  let offset = 0;
  for (const node of Object.keys(weights).sort()) {
    for (const role of WEIGHT_ROLES) {
      const t = weights[node]![role];
      if (!t) continue;
      tensors.push({ node, role, shape: [...t.shape], offset });
      offset += t.values.length;
    }
  }
  const buffer = new ArrayBuffer(offset * 4);
  const view = new DataView(buffer);
  for (const entry of tensors) {
    const values = weights[entry.node]![entry.role]!.values;
    for (let i = 0; i < values.length; i++) view.setFloat32((entry.offset + i) * 4, values[i]!, true);
  }
  return { manifest: { format: 'cnn-studio/weights', version: 1, tensors }, data: new Uint8Array(buffer) };
}

/** Unpacks `weights.json` + `weights.bin`; any inconsistency is a StudioError naming `source`. */
export function decodeWeights(manifest: unknown, data: Uint8Array, source: string): WeightSet {
  const bad = (what: string) =>
    new StudioError('run-invalid', `${source} holds damaged weights: ${what}.`, { hint: 'Use another checkpoint of the run, or train again.', where: source });
  if (typeof manifest !== 'object' || manifest === null || (manifest as WeightManifest).format !== 'cnn-studio/weights') throw bad('the manifest is not a weights manifest');
  const m = manifest as WeightManifest;
  if (!Array.isArray(m.tensors)) throw bad('the manifest lists no tensors');
  if (data.byteLength % 4 !== 0) throw bad('the binary file is not a whole number of float32 values');
  const count = data.byteLength / 4;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: WeightSet = {};
  for (const [i, e] of m.tensors.entries()) {
    if (typeof e?.node !== 'string' || !WEIGHT_ROLES.includes(e.role) || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 31)) {
      throw bad(`tensor ${i} is malformed`);
    }
    const size = e.shape.reduce((p: number, d: number) => p * d, 1);
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset + size > count) throw bad(`tensor ${e.node}/${e.role} lies outside the binary file`);
    const values = new Float32Array(size);
    for (let k = 0; k < size; k++) values[k] = view.getFloat32((e.offset + k) * 4, true);
    (out[e.node] ??= {})[e.role] = { shape: [...e.shape], values };
  }
  return out;
}
