import { describe, expect, it } from 'vitest';
import { splitClass, validationCount } from '../../../../src/main/services/data/dataset-split';
import { epochOrder } from '../../../../src/main/services/data/batch-loader';

describe('stratified split', () => {
  it('holds_out_the_rounded_fraction_at_least_one_never_all', () => {
    expect([0, 1, 2, 3, 10, 11, 100].map((n) => validationCount(n, 0.2))).toEqual([0, 0, 1, 1, 2, 2, 20]);
    expect(validationCount(5, 0.9)).toBe(4);
    expect(validationCount(50, 0)).toBe(0);
  });

  it('is_the_same_for_the_same_seed_and_keeps_order', () => {
    const items = Array.from({ length: 20 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const a = splitClass(items, 0.25, 4, 'cat');
    expect(splitClass(items, 0.25, 4, 'cat')).toEqual(a);
    expect(splitClass(items, 0.25, 5, 'cat').validation).not.toEqual(a.validation);
    expect(splitClass(items, 0.25, 4, 'dog').validation).not.toEqual(a.validation);
    expect(a.validation).toHaveLength(5);
    expect([...a.train, ...a.validation].sort()).toEqual(items);
    expect(a.train).toEqual([...a.train].sort());
  });
});

describe('epoch order', () => {
  it('is_a_permutation_fixed_by_seed_and_epoch', () => {
    const a = Array.from(epochOrder(50, 1, 0, true));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(epochOrder(50, 1, 0, true))).toEqual(a);
    expect(Array.from(epochOrder(50, 1, 1, true))).not.toEqual(a);
    expect(Array.from(epochOrder(50, 2, 0, true))).not.toEqual(a);
    expect(Array.from(epochOrder(5, 1, 0, false))).toEqual([0, 1, 2, 3, 4]);
  });
});
