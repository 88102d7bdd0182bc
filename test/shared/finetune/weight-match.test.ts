import { describe, expect, it } from 'vitest';
import { matchWeights, unmatchedSentence } from '../../../src/shared/finetune/weight-match';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import type { WeightSet } from '../../../src/shared/weights';
import { chain } from '../../support/graph-fixtures';

const tensor = (...shape: number[]) => ({ shape, values: new Float32Array(shape.reduce((p, d) => p * d, 1)) });

describe('matching weights to a changed network', () => {
  const flat = analyzeGraph(chain([8, 8, 1], [['conv', 'Conv2D', { filters: 4, kernelSize: 3 }], ['bn', 'BatchNorm'], ['gap', 'GlobalAvgPool'], ['dense', 'Dense', { units: 5 }]], { classes: 3 })).flat!;

  it('takes_what_fits_and_lists_the_layers_that_got_none_with_the_reason', () => {
    const weights: WeightSet = {
      conv: { kernel: tensor(3, 3, 1, 4), bias: tensor(4) },
      bn: { gamma: tensor(4), beta: tensor(4), movingMean: tensor(4), movingVariance: tensor(4) },
      dense: { kernel: tensor(4, 7), bias: tensor(7) },
      old_output: { kernel: tensor(7, 10) },
    };
    const m = matchWeights(flat, weights);
    expect(m.loaded).toEqual(['conv', 'bn']);
    expect(m.matched.conv!.kernel).toBe(weights.conv!.kernel);
    expect(m.unmatched).toEqual([
      { node: 'dense', reason: 'shape differs', detail: 'dense/kernel is [4, 7] there but [4, 5] here' },
      { node: 'output', reason: 'absent', detail: 'output has no weights there' },
    ]);
    expect(m.unused).toEqual(['old_output']);
    expect(unmatchedSentence(m, 'run 1')).toBe('2 layer(s) got no weights from run 1 and start from a fresh initialisation: dense (shape differs: dense/kernel is [4, 7] there but [4, 5] here), output (absent).');
  });

  it('a_layer_missing_one_role_takes_none', () => {
    const m = matchWeights(flat, { conv: { kernel: tensor(3, 3, 1, 4) } });
    expect(m.loaded).not.toContain('conv');
    expect(m.unmatched[0]).toEqual({ node: 'conv', reason: 'absent', detail: 'conv has no bias there' });
  });
});
