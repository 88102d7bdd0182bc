import { describe, expect, it } from 'vitest';
import { pythonNames } from '../../../../../src/main/services/export/pytorch';

describe('pythonNames', () => {
  it('keeps_plain_ids_and_spells_blocks_and_dashes_as_python', () => {
    const names = pythonNames(['conv1', 'inc3a.b1-conv', 'res1.conv1', 'res1.inner.bn']);
    expect([...names.values()]).toEqual(['conv1', 'inc3a__b1_conv', 'res1__conv1', 'res1__inner__bn']);
  });

  it('renames_what_would_replace_a_module_attribute_or_a_keyword', () => {
    const names = pythonNames(['train', 'forward', 'parameters', 'lambda', 'None', 'x', 'logits', 'F', 'torch']);
    expect([...names.values()]).toEqual(['train_', 'forward_', 'parameters_', 'lambda_', 'None_', 'x_', 'logits_', 'F_', 'torch_']);
  });

  it('makes_colliding_spellings_unique', () => {
    const names = pythonNames(['a-b', 'a_b', 'a.b', 'a__b', 'train', 'train_']);
    expect([...names.values()]).toEqual(['a_b', 'a_b_2', 'a__b', 'a__b_2', 'train_', 'train__2']);
    expect(new Set(names.values()).size).toBe(6);
  });
});
