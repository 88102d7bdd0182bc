import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { multiplyAddsPerImage } from '../../../src/shared/shapes/compute-cost';
import { buildTemplate } from '../../../src/shared/templates';

const flatOf = (template: string, input: { height: number; width: number; channels: number }) => analyzeGraph(buildTemplate(template, { input, classes: 10 })).flat!;

describe('the forward cost of a network', () => {
  it('counts_multiply_adds_as_weights_times_the_positions_they_apply_at', () => {
    // LeNet-5 at 28x28x1 (its well-known ~0.4 M multiply-adds): conv 5x5x1x6 at 28x28, conv 5x5x6x16 at 10x10, then the Dense layers.
    const lenet = flatOf('lenet5', { height: 28, width: 28, channels: 1 });
    const expected = (5 * 5 * 1 * 6 + 6) * 28 * 28 + (5 * 5 * 6 * 16 + 16) * 10 * 10 + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
    expect(multiplyAddsPerImage(lenet)).toBe(expected);
  });
});
