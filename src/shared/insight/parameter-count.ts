import { formatValue } from './number-text';

/** A layer's parameter count with its formula and this layer's numbers. */
export interface ParameterExplanation {
  /** `(n·n·C + 1)·N`, `n·n·C·N` without bias, or `0` for pooling. */
  formula: string;
  /** Weights of one filter (with its bias), 0 for pooling. */
  perFilter: number;
  total: number;
  /** `(5·5·1 + 1)·6 = 26·6 = 156`. */
  text: string;
  note: string;
}

/** (n·n·C + 1)·N for a convolution: every filter has n·n weights per input channel and one bias. */
export function explainConvParameters(p: { kernel: number; channels: number; filters: number; useBias: boolean; dilation?: number }): ParameterExplanation {
  const f = formatValue;
  const weights = p.kernel * p.kernel * p.channels;
  const perFilter = weights + (p.useBias ? 1 : 0);
  const total = perFilter * p.filters;
  const formula = p.useBias ? '(n·n·C + 1)·N' : 'n·n·C·N';
  const text = p.useBias
    ? `(${f(p.kernel)}·${f(p.kernel)}·${f(p.channels)} + 1)·${f(p.filters)} = ${f(perFilter)}·${f(p.filters)} = ${f(total)}`
    : `${f(p.kernel)}·${f(p.kernel)}·${f(p.channels)}·${f(p.filters)} = ${f(total)}`;
  const dilation = (p.dilation ?? 1) > 1 ? ` Dilation spreads the taps but adds no weights.` : '';
  const note =
    `Each of the N = ${f(p.filters)} filters has an n x n = ${f(p.kernel)} x ${f(p.kernel)} grid of weights for each of the C = ${f(p.channels)} input channels` +
    `${p.useBias ? ', plus one bias' : ' and no bias'}; the weights are the same wherever the window is, so the input's height and width do not count.${dilation}`;
  return { formula, perFilter, total, text, note };
}

/** Pooling learns nothing. */
export function explainPoolingParameters(mode: 'max' | 'avg'): ParameterExplanation {
  return {
    formula: '0',
    perFilter: 0,
    total: 0,
    text: '0',
    note: `${mode === 'max' ? 'Max' : 'Average'} pooling has no weights: it takes the ${mode === 'max' ? 'maximum' : 'average'} of each window, channel by channel.`,
  };
}
