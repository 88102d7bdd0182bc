import type { Grid, Maps } from './grids';
import { filledGrid, gridSize } from './grids';

/**
 * Grad-CAM (Selvaraju et al., 2017) from a layer's feature maps A^k and the gradients ∂y^c/∂A^k of the
 * class score: α_k = the mean of the gradient over map k (global average pooling), map = ReLU(Σ_k α_k·A^k),
 * at the layer's resolution.
 */
export function gradCam(activations: Maps, gradients: Maps): { weights: number[]; map: Grid } {
  if (activations.length !== gradients.length) throw new Error(`${activations.length} feature maps but ${gradients.length} gradients`);
  const [h, w] = gridSize(activations[0] ?? []);
  const weights = gradients.map((g) => {
    let sum = 0;
    for (const row of g) for (const v of row) sum += v;
    return h * w ? sum / (h * w) : 0;
  });
  const map = filledGrid(h, w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let sum = 0;
      activations.forEach((a, k) => (sum += weights[k]! * a[r]![c]!));
      map[r]![c] = Math.max(0, sum);
    }
  }
  return { weights, map };
}

/** Plain gradient saliency (Simonyan et al., 2014): max over channels of |∂y^c/∂x|, `[row][col]`. */
export function gradientSaliency(gradients: Maps): Grid {
  const [h, w] = gridSize(gradients[0] ?? []);
  const map = filledGrid(h, w);
  for (const g of gradients) for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) map[r]![c] = Math.max(map[r]![c]!, Math.abs(g[r]![c]!));
  return map;
}

/**
 * Bilinear resizing with half-pixel centres, edges clamped: what OpenCV's INTER_LINEAR and PyTorch's
 * `interpolate(mode='bilinear', align_corners=False)` compute (up-sampling).
 */
export function resizeBilinear(grid: Grid, height: number, width: number): Grid {
  const [h, w] = gridSize(grid);
  const out = filledGrid(height, width);
  if (!h || !w) return out;
  const source = (dst: number, from: number, to: number) => Math.min(from - 1, Math.max(0, (dst + 0.5) * (from / to) - 0.5));
  for (let y = 0; y < height; y++) {
    const sy = source(y, h, height);
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = source(x, w, width);
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      const top = grid[y0]![x0]! * (1 - fx) + grid[y0]![x1]! * fx;
      const bottom = grid[y1]![x0]! * (1 - fx) + grid[y1]![x1]! * fx;
      out[y]![x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** The map divided by its maximum (values in [0, 1] for a non-negative map); an all-zero map stays zero. */
export function normalizeMap(grid: Grid): Grid {
  let max = 0;
  for (const row of grid) for (const v of row) if (v > max) max = v;
  return grid.map((row) => row.map((v) => (max > 0 ? v / max : 0)));
}
