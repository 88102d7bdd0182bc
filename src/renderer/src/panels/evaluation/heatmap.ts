/**
 * The confusion matrix as a heatmap: each cell's share of its row (the true class), so a class with
 * few images reads as clearly as a large one; the diagonal (right) and the rest (wrong) in two hues.
 */
export interface HeatCell {
  count: number;
  /** count / the row's total, 0 for an empty row. */
  share: number;
  correct: boolean;
  /** A CSS background colour. */
  background: string;
  /** Dark text on light cells, light text on dark ones. */
  dark: boolean;
}

/** The cells of a confusion matrix (`confusion[i][j]`: true class i predicted as j). */
export function heatCells(confusion: readonly (readonly number[])[]): HeatCell[][] {
  return confusion.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => {
      const share = total ? count / total : 0;
      const correct = i === j;
      // Hue 140 (green) for right answers, 5 (red) for confusions; the share sets the strength.
      const alpha = count === 0 ? 0 : 0.12 + 0.83 * Math.sqrt(share);
      const background = count === 0 ? 'transparent' : `hsla(${correct ? 140 : 5}, 65%, 42%, ${alpha.toFixed(3)})`;
      return { count, share, correct, background, dark: alpha > 0.55 };
    });
  });
}
