import { describe, expect, it } from 'vitest';
import { hogCellDetail } from '../../../src/shared/hog/cell-detail';
import { computeHog } from '../../../src/shared/hog/hog';
import { hogGlyphs } from '../../../src/shared/hog/hog-glyphs';
import { defaultPictureScale, renderHogPicture } from '../../../src/shared/hog/hog-picture';
import { readHogReference, referenceImage } from './hog-fixtures';

const SETTINGS = { cellSize: 4, blockSize: 2, bins: 9, norm: 'L2-Hys' } as const;

/** 16x16: black above row 8, white from it: one horizontal edge. */
function horizontalEdge() {
  const data = new Uint8Array(16 * 16);
  for (let i = 8 * 16; i < data.length; i++) data[i] = 255;
  return { data, height: 16, width: 16 };
}

describe('cell detail', () => {
  const ref = readHogReference('boot');
  const image = referenceImage(ref);
  const result = computeHog(image, SETTINGS);

  it('shows_the_patch_its_gradients_and_how_they_fall_into_the_bins', () => {
    const d = hogCellDetail(image, result, 3, 2);
    expect(d).toMatchObject({ row: 3, col: 2, cellSize: 4, bins: 9, top: 12, left: 8 });
    expect(d.pixels).toEqual([12, 13, 14, 15].flatMap((y) => [8, 9, 10, 11].map((x) => ref.pixels[y * 28 + x])));
    expect(d.surround).toMatchObject({ top: 11, left: 7, height: 6, width: 6 });
    expect(d.surround.pixels[7]).toBe(d.pixels[0]); // the patch sits one pixel inside its surround
    for (let k = 0; k < 16; k++) {
      const y = 12 + Math.floor(k / 4);
      const x = 8 + (k % 4);
      expect(d.dx[k]).toBe(ref.pixels[y * 28 + x + 1]! - ref.pixels[y * 28 + x - 1]!);
      expect(d.dy[k]).toBe(ref.pixels[(y + 1) * 28 + x]! - ref.pixels[(y - 1) * 28 + x]!);
      expect(d.magnitude[k]).toBeCloseTo(Math.hypot(d.dx[k]!, d.dy[k]!), 12);
      expect(d.angle[k]).toBeGreaterThanOrEqual(0);
      expect(d.angle[k]).toBeLessThan(180);
      expect(d.bin[k]).toBe(Math.floor(d.angle[k]! / 20));
    }
    expect(d.votes.reduce((n, v) => n + v.pixels, 0)).toBe(16);
    expect(d.votes.map((v) => v.value)).toEqual(d.histogram);
    expect(d.histogram).toEqual(Array.from(result.histograms.subarray((3 * 7 + 2) * 9, (3 * 7 + 3) * 9)));
    for (const v of d.votes) expect(v.value).toBeCloseTo(v.magnitudeSum / 16, 4);
    expect(d.votes[4]).toMatchObject({ bin: 4, start: 80, end: 100, centre: 90 });
  });

  it('lists_every_block_that_normalises_the_cell_with_its_slice_of_the_features', () => {
    const inner = hogCellDetail(image, result, 3, 2);
    expect(inner.blocks.map((b) => [b.blockRow, b.blockCol, b.cellRow, b.cellCol])).toEqual([
      [2, 1, 1, 1],
      [2, 2, 1, 0],
      [3, 1, 0, 1],
      [3, 2, 0, 0],
    ]);
    for (const b of inner.blocks) expect(b.values).toEqual(Array.from(result.features.subarray(b.offset, b.offset + 9)));
    expect(hogCellDetail(image, result, 0, 0).blocks).toHaveLength(1);
    expect(hogCellDetail(image, result, 6, 3).blocks).toHaveLength(2);
  });

  it('a_cell_outside_the_grid_is_a_clear_error', () => {
    expect(() => hogCellDetail(image, result, 7, 0)).toThrow('There is no HOG cell at row 7, column 0: the image has 7 x 7 cells.');
  });
});

describe('glyphs', () => {
  it('draw_an_edge_along_the_edge', () => {
    const image = horizontalEdge();
    const result = computeHog(image, SETTINGS);
    const set = hogGlyphs(result.histograms, result.grid);
    expect(set).toMatchObject({ cellSize: 4, bins: 9, cellRows: 4, cellCols: 4, radius: 1.8 });
    // Only the cells on rows 7 and 8 of the image see the edge: a vertical gradient (90°, bin 4).
    expect(new Set(set.glyphs.map((g) => g.row))).toEqual(new Set([1, 2]));
    expect(set.glyphs.every((g) => g.bin === 4)).toBe(true);
    for (const g of set.glyphs) {
      expect(g.y1).toBeCloseTo(g.y2, 12); // horizontal, along the edge
      expect((g.x1 + g.x2) / 2).toBeCloseTo((g.col + 0.5) * 4, 12);
      expect((g.y1 + g.y2) / 2).toBeCloseTo((g.row + 0.5) * 4, 12);
      expect(Math.abs(g.x2 - g.x1)).toBeCloseTo(2 * set.radius * g.relative, 12);
    }
    expect(Math.max(...set.glyphs.map((g) => g.relative))).toBe(1);
    expect(set.maxWeight).toBe(Math.max(...result.histograms));
  });

  it('a_flat_image_has_none', () => {
    const ref = readHogReference('constant');
    const result = computeHog(referenceImage(ref), SETTINGS);
    expect(hogGlyphs(result.histograms, result.grid)).toMatchObject({ maxWeight: 0, glyphs: [] });
  });
});

describe('picture', () => {
  it('is_the_dimmed_image_enlarged_with_glyphs_drawn_over_it', () => {
    const image = horizontalEdge();
    const result = computeHog(image, SETTINGS);
    const picture = renderHogPicture(image, hogGlyphs(result.histograms, result.grid), { scale: 8, grid: false, imageBrightness: 0.5 });
    expect(picture).toMatchObject({ height: 128, width: 128, channels: 3 });
    expect(picture.data).toHaveLength(128 * 128 * 3);
    const at = (x: number, y: number) => Array.from(picture.data.subarray((y * 128 + x) * 3, (y * 128 + x) * 3 + 3));
    expect(at(3, 3)).toEqual([0, 0, 0]);
    expect(at(3, 124)).toEqual([128, 128, 128]);
    // The glyph of cell (1, 1) runs horizontally through its centre, (6, 6) in image pixels: y = 48
    // in the picture, between pixel rows 47 and 48, which it half covers.
    for (const x of [40, 48, 56]) {
      for (const y of [47, 48]) {
        const [r, g, b] = at(x, y);
        expect(r).toBeGreaterThan(100);
        expect(r).toBeGreaterThan(b! + 100);
        expect(g).toBeGreaterThan(b!);
      }
    }
    expect(at(48, 36)).toEqual([0, 0, 0]);
  });

  it('enlarges_small_images_to_about_512_pixels', () => {
    expect(defaultPictureScale(28, 28)).toBe(18);
    expect(defaultPictureScale(480, 640)).toBe(1);
    expect(defaultPictureScale(4, 4)).toBe(32);
  });
});
