/** One line of a chart: its name, colour (a CSS colour or `var(--x)`), and how it is drawn. */
export interface ChartSeries {
  label: string;
  color: string;
  /** Dashes, in pixels (`[4, 4]`). */
  dash?: number[];
  width?: number;
  /** Dots on the points (epoch values are few and matter). */
  points?: boolean;
}

/** The colours of the studio's curves: training in the accent colour, validation in orange; a second run in other hues. */
export const CURVE_COLORS = {
  batches: 'rgba(120, 134, 156, 0.75)',
  train: 'var(--accent)',
  validation: '#e8710a',
  runA: 'var(--accent)',
  runB: '#c2185b',
} as const;

/** A labelled vertical line across a chart at `x` (where a fine-tuning run's phase 2 begins). */
export interface ChartMarker {
  x: number;
  label: string;
}
