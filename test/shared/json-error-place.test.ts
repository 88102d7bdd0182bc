import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../src/shared/json-error-place';

describe('locateJsonError', () => {
  const cases: [string, string][] = [
    ['{"a": 1,}', 'line 1, column 9'],
    ['{"a" 1}', 'line 1, column 6'],
    ['[1, 2', 'line 1, column 6: the text ends too early'],
    ['{"a": tru}', 'line 1, column 7'],
    ['{"a": "x"} x', 'line 1, column 12: unexpected text after the end'],
    ['{\n  "nodes": [}', 'line 2, column 13'],
  ];
  for (const [text, place] of cases) it(JSON.stringify(text), () => expect(locateJsonError(text)).toBe(place));
  it('survives_deep_nesting', () => expect(locateJsonError('['.repeat(200000))).toContain('ends too early'));
});
