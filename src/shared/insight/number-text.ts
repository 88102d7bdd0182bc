/**
 * How the explainer writes numbers in its formulas: integers as they are, other values with four
 * significant digits, negative values with a true minus sign (−), and negative factors in parentheses,
 * so a multiply-add reads `1·1 + 0·(−1)` as on the lecture slides.
 */

/** `3`, `−1`, `0.3333`, `1.5e−7`: a value as the explainer prints it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  // -0 prints as 0: a zero product of a negative weight is still zero.
  const v = Object.is(value, -0) ? 0 : value;
  let text: string;
  if (Number.isInteger(v)) text = String(v);
  else if (Math.abs(v) < 1e-4) text = v.toExponential(2);
  else text = String(Number(v.toPrecision(4)));
  return text.replace(/-/g, '−');
}

/** A value as a factor of a product: negative values in parentheses, `(−1)`. */
export function formatFactor(value: number): string {
  const text = formatValue(value);
  return text.startsWith('−') ? `(${text})` : text;
}

/** `a·b`: one multiplication of a multiply-add. */
export function formatProduct(a: number, b: number): string {
  return `${formatFactor(a)}·${formatFactor(b)}`;
}

/** Terms joined by ` + `, with a placeholder when there are none. */
export function formatSum(terms: readonly string[]): string {
  return terms.length ? terms.join(' + ') : '0';
}
