import { describe, expect, it } from 'vitest';
import { gradCam, gradientSaliency, normalizeMap, resizeBilinear } from '../../../src/shared/insight/saliency-maps';

describe('saliency maps', () => {
  it('grad_cam_by_hand', () => {
    const A = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [4, 0],
        [0, 1],
      ],
    ];
    const G = [
      [
        [1, 1],
        [1, 1],
      ],
      [
        [-2, -2],
        [-2, -6],
      ],
    ];
    // α = (1, −3); map = ReLU(1·A1 − 3·A2) = ReLU([[−11, 2], [3, 1]]).
    expect(gradCam(A, G)).toEqual({ weights: [1, -3], map: [[0, 2], [3, 1]] });
  });

  it('gradient_saliency_is_the_largest_magnitude_over_channels', () => {
    expect(gradientSaliency([[[1, -5]], [[-2, 3]]])).toEqual([[2, 5]]);
  });

  it('bilinear_upsampling_matches_pytorch_align_corners_false', () => {
    // torch.nn.functional.interpolate(tensor([[1, 2], [3, 4]]), size=(4, 4), mode='bilinear', align_corners=False)
    expect(resizeBilinear([[1, 2], [3, 4]], 4, 4)).toEqual([
      [1, 1.25, 1.75, 2],
      [1.5, 1.75, 2.25, 2.5],
      [2.5, 2.75, 3.25, 3.5],
      [3, 3.25, 3.75, 4],
    ]);
    // A non-square case: size (4, 7) from [[0, 1, 0], [2, 0, 4]]; PyTorch's second row.
    const row = resizeBilinear([[0, 1, 0], [2, 0, 4]], 4, 7)[1]!;
    [0.5, 0.53571, 0.64286, 0.75, 0.85714, 0.96429, 1].forEach((v, i) => expect(row[i]).toBeCloseTo(v, 4));
  });

  it('normalising_divides_by_the_maximum', () => {
    expect(normalizeMap([[0, 2], [4, 1]])).toEqual([[0, 0.5], [1, 0.25]]);
    expect(normalizeMap([[0, 0]])).toEqual([[0, 0]]);
  });
});
