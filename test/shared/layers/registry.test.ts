import { describe, expect, it } from 'vitest';
import { LAYER_DECLARATIONS, PRIMITIVE_KINDS, findLayer } from '../../../src/shared/layers';
import { defaultParams } from '../../../src/shared/layers/params';
import { parseParams } from '../../../src/shared/layers/parse-params';
import { PALETTE_GROUPS } from '../../../src/shared/layers/types';

describe('layer registry', () => {
  it('declares_each_kind_once', () => {
    const kinds = LAYER_DECLARATIONS.map((d) => d.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(
      expect.arrayContaining(['Input', 'Conv2D', 'MaxPool2D', 'AvgPool2D', 'GlobalAvgPool', 'GlobalMaxPool', 'Flatten', 'Dense', 'Dropout', 'BatchNorm', 'Activation', 'Add', 'Concatenate', 'Inception', 'Residual', 'Output', 'DepthwiseConv2D', 'SeparableConv2D', 'ZeroPadding2D', 'InvertedResidual']),
    );
  });

  it('every_kind_has_docs_a_group_and_valid_defaults', () => {
    for (const d of LAYER_DECLARATIONS) {
      expect(d.doc.length, d.kind).toBeGreaterThan(20);
      expect(d.formula.length, d.kind).toBeGreaterThan(5);
      expect(PALETTE_GROUPS).toContain(d.group);
      const parsed = parseParams(d, {});
      expect(parsed.ok, d.kind).toBe(true);
      if (parsed.ok) expect(parsed.value).toEqual(defaultParams(d.params));
      for (const [name, p] of Object.entries(d.params)) {
        expect(p.spec.label.length, `${d.kind}.${name}`).toBeGreaterThan(0);
        expect(p.spec.doc.length, `${d.kind}.${name}`).toBeGreaterThan(5);
      }
    }
  });

  it('kinds_with_weights_have_a_trainable_switch', () => {
    for (const d of LAYER_DECLARATIONS.filter((x) => x.hasWeights && x.kind !== 'Group')) expect(Object.keys(d.params), d.kind).toContain('trainable');
  });

  it('primitive_kinds_are_what_engines_implement', () => {
    expect([...PRIMITIVE_KINDS].sort()).toEqual(
      ['Activation', 'Add', 'AvgPool2D', 'BatchNorm', 'Concatenate', 'Conv2D', 'Dense', 'DepthwiseConv2D', 'Dropout', 'Flatten', 'GlobalAvgPool', 'GlobalMaxPool', 'Input', 'MaxPool2D', 'Output', 'SeparableConv2D', 'ZeroPadding2D'].sort(),
    );
    expect(findLayer('Residual')?.composite).toBe(true);
    expect(findLayer('InvertedResidual')?.composite).toBe(true);
  });

  it('every_palette_group_has_a_kind', () => {
    for (const g of PALETTE_GROUPS) expect(LAYER_DECLARATIONS.some((d) => d.group === g), g).toBe(true);
  });
});
