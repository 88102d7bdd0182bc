import { describe, expect, it } from 'vitest';
import { hwioToOihw, isIdentityOrder, nchwFlattenOrder, oihwToHwio } from '../../../src/shared/onnx/weight-layout';
import { EXPORT_OPSETS, irVersionForOpset } from '../../../src/shared/onnx/opsets';

describe('weight layouts', () => {
  it('moves_kernels_between_HWIO_and_OIHW_and_back', () => {
    const shape = [2, 3, 4, 5];
    const hwio = Float32Array.from({ length: 120 }, (_, i) => i);
    const oihw = hwioToOihw(hwio, shape);
    // [o=4][i=3][h=1][w=2] ← [h=1][w=2][i=3][o=4]
    expect(oihw[((4 * 4 + 3) * 2 + 1) * 3 + 2]).toBe(hwio[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
    expect(oihwToHwio(oihw, [5, 4, 2, 3])).toEqual(hwio);
  });

  it('maps_a_channels_first_flatten_onto_the_channels_last_one', () => {
    // A 1x2 map with 2 channels: NCHW flatten [c0p0, c0p1, c1p0, c1p1]; NHWC flatten [p0c0, p0c1, p1c0, p1c1].
    expect([...nchwFlattenOrder(1, 2, 2)]).toEqual([0, 2, 1, 3]);
    expect(isIdentityOrder(nchwFlattenOrder(3, 3, 1))).toBe(true);
    expect(isIdentityOrder(nchwFlattenOrder(1, 1, 8))).toBe(true);
  });

  it('pairs_each_opset_with_its_ir_version', () => {
    expect(EXPORT_OPSETS.map((o) => [o, irVersionForOpset(o)])).toEqual([[11, 6], [12, 7], [13, 7], [14, 7], [15, 8], [16, 8], [17, 8]]);
  });
});
