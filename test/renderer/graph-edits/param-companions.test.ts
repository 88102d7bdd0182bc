import { describe, expect, it } from 'vitest';
import { companionParams } from '../../../src/renderer/src/graph-edits/param-values';

describe('companion parameters', () => {
  it('elu_gets_its_own_default_scale', () => {
    expect(companionParams('Activation', 'activation', 'elu', {})).toEqual({ alpha: 1 });
    expect(companionParams('Activation', 'activation', 'elu', { alpha: 0.01 })).toEqual({ alpha: 1 });
  });
  it('leaky_relu_gets_its_own_default_slope', () => {
    expect(companionParams('Activation', 'activation', 'leaky-relu', { alpha: 1 })).toEqual({ alpha: 0.01 });
  });
  it('a_value_the_user_chose_is_kept', () => {
    expect(companionParams('Activation', 'activation', 'elu', { alpha: 0.3 })).toEqual({});
    expect(companionParams('Activation', 'activation', 'relu', { alpha: 0.01 })).toEqual({});
    expect(companionParams('Conv2D', 'activation', 'elu', {})).toEqual({});
  });
});
