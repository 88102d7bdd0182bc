/**
 * A list of named float32 tensors as one JSON manifest plus one little-endian binary buffer: used for
 * optimizer state in checkpoints (weights use the richer format of weights.ts).
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TensorPackManifest {
  format: 'cnn-studio/tensors';
  version: 1;
  tensors: { name: string; shape: number[]; offset: number }[];
}

export function packTensors(tensors: readonly NamedTensor[]): { manifest: TensorPackManifest; data: Uint8Array } {
  let offset = 0;
  const entries = tensors.map((t) => {
    const entry = { name: t.name, shape: [...t.shape], offset };
    offset += t.values.length;
    return entry;
  });
  const data = new Uint8Array(offset * 4);
  const view = new DataView(data.buffer);
  tensors.forEach((t, k) => {
    const base = entries[k]!.offset * 4;
    for (let i = 0; i < t.values.length; i++) view.setFloat32(base + i * 4, t.values[i]!, true);
  });
  return { manifest: { format: 'cnn-studio/tensors', version: 1, tensors: entries }, data };
}

/** Unpacks; returns null when the manifest and the data do not fit together. */
export function unpackTensors(manifest: unknown, data: Uint8Array): NamedTensor[] | null {
  const m = manifest as TensorPackManifest | null;
  if (!m || m.format !== 'cnn-studio/tensors' || !Array.isArray(m.tensors) || data.byteLength % 4) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: NamedTensor[] = [];
  for (const e of m.tensors) {
    if (typeof e?.name !== 'string' || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) return null;
    const size = e.shape.reduce((p, d) => p * d, 1);
    if (!Number.isInteger(e.offset) || e.offset < 0 || (e.offset + size) * 4 > data.byteLength) return null;
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = view.getFloat32((e.offset + i) * 4, true);
    out.push({ name: e.name, shape: [...e.shape], values });
  }
  return out;
}
