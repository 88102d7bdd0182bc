/** A grey image, row-major, one value per pixel (8-bit values as the dataset pipeline decodes them). */
export interface GreyImage {
  data: ArrayLike<number>;
  height: number;
  width: number;
}

/** One pixel's gradient: centred differences along rows (down) and columns (right). */
export interface PixelGradient {
  /** I(y, x+1) − I(y, x−1); 0 in the first and last column. */
  dx: number;
  /** I(y+1, x) − I(y−1, x); 0 in the first and last row. */
  dy: number;
  magnitude: number;
  /** Unsigned orientation in degrees, 0 ≤ angle ≤ 180 (180 only by rounding, as in scikit-image). */
  angle: number;
}

const DEGREES_PER_RADIAN = 180 / Math.PI;

/**
 * The gradient at (y, x) with the [-1, 0, 1] filter, as scikit-image's `_hog_channel_gradient`: the
 * image's outermost rows have no row gradient and its outermost columns no column gradient (they are 0,
 * not extrapolated).
 */
export function pixelGradient(image: GreyImage, y: number, x: number): PixelGradient {
  const { data, width, height } = image;
  const i = y * width + x;
  const dy = y > 0 && y < height - 1 ? data[i + width]! - data[i - width]! : 0;
  const dx = x > 0 && x < width - 1 ? data[i + 1]! - data[i - 1]! : 0;
  return { dx, dy, magnitude: gradientMagnitude(dx, dy), angle: unsignedOrientation(dx, dy) };
}

/** √(dx² + dy²); exact for 8-bit images, where the sum of squares is an exact integer. */
export function gradientMagnitude(dx: number, dy: number): number {
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * atan2(dy, dx) in degrees folded into [0, 180), with NumPy's floating remainder (`% 180`): a negative
 * angle gets 180 added, which rounds a tiny negative angle to exactly 180 (such a pixel votes in no bin,
 * as in scikit-image).
 */
export function unsignedOrientation(dx: number, dy: number): number {
  const degrees = Math.atan2(dy, dx) * DEGREES_PER_RADIAN;
  let folded = degrees % 180;
  if (folded < 0) folded += 180;
  // NumPy's remainder returns +0 for any zero result.
  return folded === 0 ? 0 : folded;
}
