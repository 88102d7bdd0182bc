import { describe, expect, it } from 'vitest';
import { explainConvolutionBackward, explainPoolingBackward, inputGradientCell, kernelGradientCell } from '../../../src/shared/insight/backward-explainer';
import type { ConvolutionSpec } from '../../../src/shared/insight/convolution';
import { correlate } from '../../../src/shared/insight/convolution';
import type { Maps } from '../../../src/shared/insight/grids';
import { lectureFeatureMaps } from '../../../src/shared/insight/node-explainer';

const X = [
  [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ],
];
const W = [
  [
    [
      [1, 2],
      [3, 4],
    ],
  ],
];

/** L = Σ dy·y is linear in x and in w: a difference of one unit in any value gives its gradient exactly. */
function loss(spec: ConvolutionSpec, dy: Maps): number {
  return correlate(spec).reduce((sum, grid, f) => sum + grid.reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * dy[f]![i]![j]!, 0), 0), 0);
}

describe('convolution backward pass', () => {
  it('a_2x2_kernel_on_3x3_worked_by_hand', () => {
    const b = explainConvolutionBackward({ input: X, filters: W, stride: 1, padding: 'valid' });
    expect(b.forward.output).toEqual([
      [
        [37, 47],
        [67, 77],
      ],
    ]);
    // dL/dy = 1: each input gets the sum of the weights that touched it.
    expect(b.inputGradient).toEqual([
      [
        [1, 3, 2],
        [4, 10, 6],
        [3, 7, 4],
      ],
    ]);
    // dL/dw: each weight gets the sum of the inputs it met (the correlation of x with dL/dy).
    expect(b.kernelGradient).toEqual([
      [
        [
          [12, 16],
          [24, 28],
        ],
      ],
    ]);
    expect(b.biasGradient).toEqual([4]);
    const centre = inputGradientCell(b, 0, 1, 1);
    expect(centre.terms.map((t) => [t.outRow, t.outCol, t.kernelRow, t.kernelCol])).toEqual([
      [1, 1, 0, 0],
      [1, 0, 0, 1],
      [0, 1, 1, 0],
      [0, 0, 1, 1],
    ]);
    expect(centre.text).toBe('dL/dx = 1·1 + 1·2 + 1·3 + 1·4 = 10');
    expect(kernelGradientCell(b, 0, 0, 0, 0).text).toBe('dL/dw = 1·1 + 2·1 + 4·1 + 5·1 = 12');
    // The full-correlation picture: dL/dy padded by n − 1 = 1 and the kernel turned by 180°.
    expect(b.fullCorrelation.spreadGradient[0]).toEqual([
      [0, 0, 0, 0],
      [0, 1, 1, 0],
      [0, 1, 1, 0],
      [0, 0, 0, 0],
    ]);
    expect(b.fullCorrelation.flippedKernels[0]![0]).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(b.fullCorrelation.result).toEqual(b.paddedInputGradient);
  });

  const cases: { name: string; spec: ConvolutionSpec }[] = [
    { name: 'stride_2_non_divisible', spec: { input: grid(2, 6, 1), filters: kernels(3, 2, 3, 2), stride: 2, padding: 'valid' } },
    { name: 'stride_2_same', spec: { input: grid(1, 5, 2), filters: kernels(2, 1, 3, 1), stride: 2, padding: 'same' } },
    { name: 'padding_1_two_channels', spec: { input: grid(2, 4, 3), filters: kernels(2, 2, 3, 3), stride: 1, padding: 1 } },
    { name: 'dilation_2', spec: { input: grid(1, 7, 4), filters: kernels(2, 1, 3, 4), stride: 1, padding: 'valid', dilation: 2 } },
  ];

  it.each(cases)('$name: gradients equal finite differences and both dL/dx pictures agree', ({ spec }) => {
    const rows = correlate(spec)[0]!.length;
    const cols = correlate(spec)[0]![0]!.length;
    const dy = spec.filters.map((_, f) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => ((f + 2 * i + j) % 3) - 1)));
    const b = explainConvolutionBackward({ ...spec, outputGradient: dy });
    expect(b.fullCorrelation.result).toEqual(b.paddedInputGradient);
    const base = loss(spec, dy);
    spec.input.forEach((g, c) =>
      g.forEach((row, r) =>
        row.forEach((_, k) => {
          const moved = spec.input.map((m, cc) => m.map((rr, ri) => rr.map((v, ki) => (cc === c && ri === r && ki === k ? v + 1 : v))));
          expect(b.inputGradient[c]![r]![k]).toBe(loss({ ...spec, input: moved }, dy) - base);
          expect(inputGradientCell(b, c, r, k).value).toBe(b.inputGradient[c]![r]![k]);
        }),
      ),
    );
    spec.filters.forEach((filter, f) =>
      filter.forEach((g, c) =>
        g.forEach((row, a) =>
          row.forEach((_, k) => {
            const moved = spec.filters.map((ff, fi) => ff.map((gg, ci) => gg.map((rr, ai) => rr.map((v, ki) => (fi === f && ci === c && ai === a && ki === k ? v + 1 : v)))));
            expect(b.kernelGradient[f]![c]![a]![k]).toBe(loss({ ...spec, filters: moved }, dy) - base);
            expect(kernelGradientCell(b, f, c, a, k).value).toBe(b.kernelGradient[f]![c]![a]![k]);
          }),
        ),
      ),
    );
  });
});

describe('pooling backward pass', () => {
  it('max_pooling_sends_each_gradient_to_the_window_maximum', () => {
    const b = explainPoolingBackward({ input: lectureFeatureMaps(), poolSize: 2, stride: 2, padding: 'valid', mode: 'max' });
    // Channel 1's maxima: 3 at (0, 0), 0 at (1, 2), 3 at (3, 0), 1 at (2, 3).
    expect(b.inputGradient[0]).toEqual([
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [1, 0, 0, 0],
    ]);
    expect(b.routes[1]!.text).toBe("1 goes entirely to x[1][2], the window's maximum (0); the other 3 value(s) get 0");
  });

  it('overlapping_windows_add_up_at_a_shared_maximum', () => {
    const input = [
      [
        [0, 0, 0],
        [0, 9, 0],
        [0, 0, 0],
      ],
    ];
    const dy = [
      [
        [1, 2],
        [3, 4],
      ],
    ];
    const b = explainPoolingBackward({ input, poolSize: 2, stride: 1, padding: 'valid', mode: 'max', outputGradient: dy });
    expect(b.inputGradient[0]).toEqual([
      [0, 0, 0],
      [0, 10, 0],
      [0, 0, 0],
    ]);
  });

  it('average_pooling_shares_evenly', () => {
    const b = explainPoolingBackward({ input: lectureFeatureMaps(), poolSize: 2, stride: 2, padding: 'valid', mode: 'avg' });
    expect(b.inputGradient[1]!.flat()).toEqual(Array(16).fill(0.25));
    expect(b.routes[0]!.text).toBe("1 / 4 = 0.25 goes to each of the window's 4 value(s)");
  });
});

function grid(channels: number, size: number, seed: number): Maps {
  return Array.from({ length: channels }, (_, c) => Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, k) => ((seed * 7 + c * 5 + r * 3 + k) % 7) - 3)));
}

function kernels(filters: number, channels: number, n: number, seed: number): number[][][][] {
  return Array.from({ length: filters }, (_, f) => grid(channels, n, seed + f * 11));
}
