import * as tf from '@tensorflow/tfjs';

/** One axis of a pooling window with zeros added on both sides that never count. */
interface AxisPlan {
  /** Output positions whose window lies wholly inside the input: one strided valid pool. */
  interior: { first: number; last: number } | null;
  /** Every other output position, with the real input rows its window covers. */
  borders: { index: number; start: number; size: number }[];
}

function planAxis(size: number, window: number, stride: number, pad: number): AxisPlan {
  const outputs = Math.floor((size + 2 * pad - window) / stride) + 1;
  const first = Math.ceil(pad / stride);
  const last = Math.floor((size - window + pad) / stride);
  const borders: AxisPlan['borders'] = [];
  for (let i = 0; i < outputs; i++) {
    if (i >= first && i <= last) continue;
    const start = Math.max(0, i * stride - pad);
    const end = Math.min(size - 1, i * stride - pad + window - 1);
    borders.push({ index: i, start, size: end - start + 1 });
  }
  return { interior: first <= last && first < outputs ? { first, last: Math.min(last, outputs - 1) } : null, borders };
}

/**
 * Max or average pooling with `pad` cells on every side that are never part of the result (what the
 * studio's pooling does), built from standard layers only, as tf.layers' pools know only `valid` and
 * `same`. Pooling the rows then the columns is exact for both reductions (a window's real cells form a
 * rectangle); along each axis the windows wholly inside the input are one strided valid pool, and each
 * window that overlaps the padding is a valid pool over exactly its real cells; Concatenate joins them.
 */
export function paddedPool(input: tf.SymbolicTensor, options: { name: string; mode: 'max' | 'avg'; window: number; stride: number; pad: number }): { output: tf.SymbolicTensor; layers: tf.layers.Layer[] } {
  const layers: tf.layers.Layer[] = [];
  const apply = <T extends tf.layers.Layer>(layer: T, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => {
    layers.push(layer);
    return layer.apply(x) as tf.SymbolicTensor;
  };
  const pool = (name: string, poolSize: [number, number], strides: [number, number]) =>
    options.mode === 'max' ? tf.layers.maxPooling2d({ name, poolSize, strides, padding: 'valid' }) : tf.layers.averagePooling2d({ name, poolSize, strides, padding: 'valid' });

  const alongAxis = (x: tf.SymbolicTensor, axis: 'rows' | 'cols'): tf.SymbolicTensor => {
    const size = x.shape[axis === 'rows' ? 1 : 2] as number;
    const plan = planAxis(size, options.window, options.stride, options.pad);
    const pieces: { index: number; tensor: tf.SymbolicTensor }[] = [];
    const crop = (name: string, start: number, count: number) => {
      const cut: [number, number] = [start, size - start - count];
      if (cut[0] === 0 && cut[1] === 0) return x;
      return apply(tf.layers.cropping2D({ name, cropping: axis === 'rows' ? [cut, [0, 0]] : [[0, 0], cut] }), x);
    };
    const shape = (n: number): [number, number] => (axis === 'rows' ? [n, 1] : [1, n]);
    const base = `${options.name}/${axis}`;
    if (plan.interior) {
      const { first, last } = plan.interior;
      const start = first * options.stride - options.pad;
      const count = (last - first) * options.stride + options.window;
      const cropped = crop(`${base}_interior_crop`, start, count);
      pieces.push({ index: first, tensor: apply(pool(`${base}_interior`, shape(options.window), shape(options.stride)), cropped) });
    }
    for (const border of plan.borders) {
      const cropped = crop(`${base}_${border.index}_crop`, border.start, border.size);
      pieces.push({ index: border.index, tensor: apply(pool(`${base}_${border.index}`, shape(border.size), shape(1)), cropped) });
    }
    pieces.sort((a, b) => a.index - b.index);
    if (pieces.length === 1) return pieces[0]!.tensor;
    return apply(tf.layers.concatenate({ name: `${base}_join`, axis: axis === 'rows' ? 1 : 2 }), pieces.map((p) => p.tensor));
  };
  return { output: alongAxis(alongAxis(input, 'rows'), 'cols'), layers };
}
