/**
 * Conversions between the studio's weight layouts (TF.js: Conv2D kernels HWIO, feature maps NHWC) and
 * ONNX's (Conv weights OIHW, feature maps NCHW). Pure arithmetic on flat Float32Arrays.
 */

/** `[kh, kw, in, out]` → `[out, in, kh, kw]`. */
export function hwioToOihw(values: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let h = 0; h < kh!; h++) {
    for (let w = 0; w < kw!; w++) {
      for (let i = 0; i < cin!; i++) {
        for (let o = 0; o < cout!; o++) out[((o * cin! + i) * kh! + h) * kw! + w] = values[((h * kw! + w) * cin! + i) * cout! + o]!;
      }
    }
  }
  return out;
}

/** `[out, in, kh, kw]` → `[kh, kw, in, out]`. */
export function oihwToHwio(values: Float32Array, [cout, cin, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let o = 0; o < cout!; o++) {
    for (let i = 0; i < cin!; i++) {
      for (let h = 0; h < kh!; h++) {
        for (let w = 0; w < kw!; w++) out[((h * kw! + w) * cin! + i) * cout! + o] = values[((o * cin! + i) * kh! + h) * kw! + w]!;
      }
    }
  }
  return out;
}

/**
 * Where each element of a channels-first flatten (`c·H·W + h·W + w`, PyTorch's and ONNX's order) lies
 * in the studio's channels-last flatten (`(h·W + w)·C + c`, TF.js's order): `order[nchwIndex] = nhwcIndex`.
 */
export function nchwFlattenOrder(height: number, width: number, channels: number): Int32Array {
  const order = new Int32Array(height * width * channels);
  for (let c = 0; c < channels; c++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) order[(c * height + h) * width + w] = (h * width + w) * channels + c;
    }
  }
  return order;
}

/** True when an order is the identity (a 1x1 map or a single channel flattens the same either way). */
export function isIdentityOrder(order: Int32Array | null): boolean {
  return order === null || order.every((v, i) => v === i);
}
