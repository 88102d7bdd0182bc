/**
 * Orientation bins as scikit-image 0.19 draws them (`_hoghistogram.pyx`): bin i covers
 * [i·180/N, (i+1)·180/N) and takes the pixel's whole magnitude; there is no interpolation between
 * neighbouring bins (Dalal and Triggs interpolate; scikit-image does not).
 */

/** The angle range [start, end) of bin `bin` of `bins`, in degrees, computed as scikit-image does. */
export function binRange(bin: number, bins: number): [number, number] {
  const width = 180 / bins;
  return [width * bin, width * (bin + 1)];
}

/** The angle at the middle of a bin (the direction a glyph is drawn across). */
export function binCentre(bin: number, bins: number): number {
  return (180 * (bin + 0.5)) / bins;
}

/** The bin an unsigned angle (degrees) votes into, or −1 when it falls in none (an angle rounded to 180). */
export function orientationBin(angle: number, bins: number): number {
  const width = 180 / bins;
  let bin = Math.min(bins - 1, Math.max(0, Math.floor(angle / width)));
  // The division may round across a boundary; the comparisons below are the ones scikit-image makes.
  while (bin > 0 && angle < width * bin) bin -= 1;
  while (bin < bins && angle >= width * (bin + 1)) bin += 1;
  return bin < bins && angle >= width * bin ? bin : -1;
}
