import { describe, expect, it } from 'vitest';
import { applyAugmentation, augmentationRandom, augmentImage, drawAugmentation, isAugmentationActive } from '../../../../src/main/services/data/augmentation';
import type { AugmentationSettings } from '../../../../src/shared/project/settings';
import { augmentationSchema } from '../../../../src/shared/project/settings';

const OFF: AugmentationSettings = augmentationSchema.parse({});
const shape = { height: 4, width: 5, channels: 2 };
/** A distinct value per pixel and channel, in [0, 1). */
const image = Float32Array.from({ length: 4 * 5 * 2 }, (_, i) => (i + 1) / 64);
const at = (a: Float32Array, x: number, y: number, c: number) => a[(y * shape.width + x) * shape.channels + c]!;
const identity = { flip: false, shiftX: 0, shiftY: 0, angle: 0, brightness: 0, contrast: 1 };

describe('augmentation', () => {
  it('is_off_by_default_and_then_leaves_images_untouched', () => {
    expect(isAugmentationActive(OFF)).toBe(false);
    expect(augmentImage(image, shape, OFF, 1, 0, 'a.png')).toBe(image);
    expect(applyAugmentation(image, shape, identity)).toBe(image);
  });

  it('flips_exactly', () => {
    const out = applyAugmentation(image, shape, { ...identity, flip: true });
    for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) for (let c = 0; c < 2; c++) expect(at(out, x, y, c)).toBe(at(image, 4 - x, y, c));
  });

  it('shifts_by_whole_pixels_and_fills_with_zero', () => {
    const out = applyAugmentation(image, shape, { ...identity, shiftX: 2, shiftY: -1 });
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 5; x++) {
        const sx = x - 2;
        const sy = y + 1;
        const inside = sx >= 0 && sy < 4;
        for (let c = 0; c < 2; c++) expect(at(out, x, y, c)).toBe(inside ? at(image, sx, sy, c) : 0);
      }
    }
  });

  it('rotates_about_the_centre_counter_clockwise', () => {
    // A 3 x 3 single-channel image with one bright pixel right of centre: +90° moves it above the centre.
    const s = { height: 3, width: 3, channels: 1 };
    const dot = new Float32Array(9);
    dot[5] = 1;
    const out = applyAugmentation(dot, s, { ...identity, angle: 90 });
    expect(Array.from(out, (v) => Math.round(v * 1000) / 1000)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const small = applyAugmentation(dot, s, { ...identity, angle: 10 });
    expect(small.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9);
    expect(small[5]).toBeLessThan(1);
  });

  it('brightness_and_contrast_work_per_channel_and_clamp', () => {
    const flat = new Float32Array([0.2, 0.9, 0.4, 0.9]);
    const s = { height: 1, width: 2, channels: 2 };
    const bright = applyAugmentation(flat, s, { ...identity, brightness: 0.2 });
    expect(Array.from(bright)).toEqual([Math.fround(0.4), 1, Math.fround(0.6), 1]);
    // Channel 0 has mean 0.3: 0.2 → 0.3 − 0.1·2 = 0.1, 0.4 → 0.5; channel 1 is constant and stays.
    const contrast = applyAugmentation(flat, s, { ...identity, contrast: 2 });
    expect(Array.from(contrast).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.1, 0.9, 0.5, 0.9]);
  });

  it('draws_depend_only_on_seed_epoch_and_sample', () => {
    const settings: AugmentationSettings = { horizontalFlip: true, shift: 0.2, rotation: 15, brightness: 0.1, contrast: 0.1 };
    const draw = (seed: number, epoch: number, key: string) => drawAugmentation(settings, augmentationRandom(seed, epoch, key), { height: 32, width: 32 });
    expect(draw(1, 3, 'a.png')).toEqual(draw(1, 3, 'a.png'));
    expect(draw(1, 3, 'a.png')).not.toEqual(draw(1, 4, 'a.png'));
    expect(draw(1, 3, 'a.png')).not.toEqual(draw(2, 3, 'a.png'));
    expect(draw(1, 3, 'a.png')).not.toEqual(draw(1, 3, 'b.png'));
    const d = draw(5, 0, 'x');
    expect(Math.abs(d.shiftX)).toBeLessThanOrEqual(Math.round(0.2 * 32));
    expect(Math.abs(d.angle)).toBeLessThanOrEqual(15);
    expect(Math.abs(d.brightness)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(d.contrast - 1)).toBeLessThanOrEqual(0.1);
    // Switching one transform off keeps the others' draws.
    const noFlip = drawAugmentation({ ...settings, horizontalFlip: false }, augmentationRandom(5, 0, 'x'), { height: 32, width: 32 });
    expect({ ...noFlip, flip: d.flip }).toEqual(d);
  });

  it('flips_about_half_of_the_draws', () => {
    const settings = { ...OFF, horizontalFlip: true };
    let flips = 0;
    for (let i = 0; i < 2000; i++) if (drawAugmentation(settings, augmentationRandom(9, i, 'k'), { height: 8, width: 8 }).flip) flips++;
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
  });
});
