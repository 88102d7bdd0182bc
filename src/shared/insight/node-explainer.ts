import { StudioError } from '../errors';
import { FILTER_PRESETS } from '../layers/filter-presets';
import type { FilterPresetName } from '../layers/filter-presets';
import { findLayer } from '../layers';
import type { Padding } from '../layers/params';
import { parseParams } from '../layers/parse-params';
import type { ConvolutionBackward, PoolingBackward } from './backward-explainer';
import { explainConvolutionBackward, explainPoolingBackward } from './backward-explainer';
import { correlate } from './convolution';
import type { ConvolutionExplanation } from './conv-explainer';
import type { Kernels, Maps } from './grids';
import { lectureFilters, lectureInput, lectureStyleFilters, lectureStyleImage } from './lecture-example';
import type { ParameterExplanation } from './parameter-count';
import { explainConvParameters, explainPoolingParameters } from './parameter-count';
import type { PoolingExplanation } from './pool-explainer';
import type { AxisSizeExplanation } from './size-formula';
import { SIZE_FORMULA, explainOutputSize } from './size-formula';

/** A node of the user's network, as the canvas or `analyzeGraph(...).flat` knows it. */
export interface ExplainableNode {
  id: string;
  kind: string;
  /** The node's parameters (defaults are filled in here). */
  params: Record<string, unknown>;
  /** The node's input shape `[H, W, C]`. */
  inputShape: readonly number[];
}

/** What to step through instead of the default lecture example. */
export interface ExplainOptions {
  /** `[channel][row][col]`, a small input. */
  input?: Maps;
  /** Conv2D: `[filter][channel][row][col]`, e.g. the node's trained filters (one channel of them on a one-channel input). */
  filters?: Kernels;
  bias?: number[];
  /** dL/dy for the backward pass; 1 everywhere when absent. */
  outputGradient?: Maps;
}

/** Where the example input and filters come from. */
export interface ExampleSource {
  input: 'lecture' | 'lecture-maps' | 'generated' | 'given';
  filters: 'lecture' | 'generated' | 'fixed' | 'given' | 'none';
  note: string;
}

interface NodeExplanationBase {
  node: { id: string; kind: string };
  /** The general size formula, `out = (H − n + P) / s + 1`. */
  formula: string;
  /** The size formula with the node's real input size and parameters. */
  size: { rows: AxisSizeExplanation; cols: AxisSizeExplanation };
  parameters: ParameterExplanation;
  example: ExampleSource;
}

export type NodeExplanation =
  | (NodeExplanationBase & { kind: 'convolution'; forward: ConvolutionExplanation; backward: ConvolutionBackward })
  | (NodeExplanationBase & { kind: 'pooling'; forward: PoolingExplanation; backward: PoolingBackward });

/** Kinds the explainer steps through. */
export const EXPLAINABLE_KINDS = ['Conv2D', 'MaxPool2D', 'AvgPool2D'] as const;

/**
 * The explainer for one Conv2D or pooling node of the user's network: the size formula and the
 * parameter count with the node's real numbers, and a forward and backward step-through with the
 * node's kernel size, stride, padding and dilation on a small input (the lecture example unless
 * `options` give one).
 */
export function explainNode(node: ExplainableNode, options: ExplainOptions = {}): NodeExplanation {
  if (!(EXPLAINABLE_KINDS as readonly string[]).includes(node.kind)) {
    throw new StudioError('invalid-argument', `Layer ${node.id} is a ${node.kind}; the explainer steps through Conv2D, MaxPool2D and AvgPool2D layers.`, {
      hint: 'Choose a convolution or pooling layer.',
      where: node.id,
    });
  }
  const decl = findLayer(node.kind)!;
  const parsed = parseParams(decl, node.params);
  if (!parsed.ok) throw new StudioError('invalid-argument', `Layer ${node.id} has invalid parameters: ${parsed.problems.join('; ')}.`, { hint: 'Fix them in the parameter panel.', where: node.id });
  const p = parsed.value;
  if (node.inputShape.length !== 3) {
    throw new StudioError('invalid-argument', `Layer ${node.id} receives a vector, not a feature map, so there is no window to slide.`, { hint: 'Move it before the Flatten layer.', where: node.id });
  }
  const [h, w, channels] = node.inputShape as [number, number, number];
  const padding = p.padding as Padding;
  if (node.kind === 'Conv2D') {
    const kernel = p.kernelSize as number;
    const stride = p.strides as number;
    const dilation = p.dilation as number;
    const size = explainOutputSize(h, w, { kernel, stride, padding, dilation });
    const parameters = explainConvParameters({ kernel, channels, filters: p.filters as number, useBias: p.useBias as boolean, dilation });
    const { filters, source: filterSource, note: filterNote } = exampleFilters(p, kernel, channels, options.filters);
    const extent = dilation * (kernel - 1) + 1;
    const input = options.input ?? repeatChannels(extent <= 6 ? lectureInput() : lectureStyleImage(extent + 3), filters[0]!.length);
    const inputSource: ExampleSource['input'] = options.input ? 'given' : extent <= 6 ? 'lecture' : 'generated';
    const spec = { input, filters, bias: options.bias ?? null, stride, padding, dilation, outputGradient: options.outputGradient };
    const backward = explainConvolutionBackward(spec);
    const note = [inputNote(inputSource, input), filterNote, `The step-through uses this layer's ${kernel}x${kernel} window, stride ${stride}, padding ${String(padding)}${dilation > 1 ? ` and dilation ${dilation}` : ''}; the activation is left out.`]
      .filter(Boolean)
      .join(' ');
    return {
      kind: 'convolution',
      node: { id: node.id, kind: node.kind },
      formula: SIZE_FORMULA,
      size,
      parameters,
      example: { input: inputSource, filters: filterSource, note },
      forward: backward.forward,
      backward,
    };
  }
  const mode = node.kind === 'MaxPool2D' ? 'max' : 'avg';
  const poolSize = p.poolSize as number;
  const stride = p.strides as number;
  const size = explainOutputSize(h, w, { kernel: poolSize, stride, padding, dilation: 1 });
  const fitsLectureMaps = poolSize <= 4;
  const input = options.input ?? (fitsLectureMaps ? lectureFeatureMaps() : lectureStyleImage(poolSize + 3));
  const inputSource: ExampleSource['input'] = options.input ? 'given' : fitsLectureMaps ? 'lecture-maps' : 'generated';
  const backward = explainPoolingBackward({ input, poolSize, stride, padding, mode, outputGradient: options.outputGradient });
  const note = [
    inputNote(inputSource, input),
    `The step-through uses this layer's ${poolSize}x${poolSize} window, stride ${stride} and padding ${String(padding)}${stride < poolSize ? ' (the windows overlap)' : ''}.`,
  ].join(' ');
  return {
    kind: 'pooling',
    node: { id: node.id, kind: node.kind },
    formula: SIZE_FORMULA,
    size,
    parameters: explainPoolingParameters(mode),
    example: { input: inputSource, filters: 'none', note },
    forward: backward.forward,
    backward,
  };
}

/** The lecture's two 4x4 feature maps (its image convolved with its filters), the lecture's input to pooling. */
export function lectureFeatureMaps(): Maps {
  return correlate({ input: lectureInput(), filters: lectureFilters(), stride: 1, padding: 'valid' });
}

function exampleFilters(p: Record<string, unknown>, kernel: number, channels: number, given: Kernels | undefined): { filters: Kernels; source: ExampleSource['filters']; note: string } {
  if (given) return { filters: given, source: 'given', note: '' };
  const preset = p.filterPreset as FilterPresetName | FilterPresetName[] | null | undefined;
  if (preset) {
    const names = Array.isArray(preset) ? preset : [preset];
    // On a one-channel example the preset is the mask itself (on C channels each gets mask / C).
    return { filters: names.map((name) => [FILTER_PRESETS[name].map((row) => [...row])]), source: 'fixed', note: `The filters are this layer's presets (${names.join(', ')}).` };
  }
  const typed = p.filterValues as Kernels | null | undefined;
  if (typed) {
    if (channels === 1) return { filters: typed, source: 'fixed', note: "The filters are this layer's typed values." };
    return { filters: typed.map((f) => [f[0]!]), source: 'fixed', note: `The filters are the first input channel of this layer's typed values (the layer has ${channels} input channels).` };
  }
  if (kernel === 3) return { filters: lectureFilters(), source: 'lecture', note: "The filters are the lecture's two 3x3 filters (this layer's own are learned)." };
  return { filters: lectureStyleFilters(kernel), source: 'generated', note: `The filters are the lecture's two patterns at ${kernel}x${kernel} (diagonal and middle column; this layer's own are learned).` };
}

function inputNote(source: ExampleSource['input'], input: Maps): string {
  const size = `${input[0]!.length}x${input[0]![0]!.length}`;
  switch (source) {
    case 'lecture':
      return `The input is the lecture's ${size} binary image.`;
    case 'lecture-maps':
      return "The input is the lecture's two 4x4 feature maps (its image convolved with its two filters).";
    case 'generated':
      return `The input is a ${size} binary image (the window is too large for the lecture's 6x6 one).`;
    case 'given':
      return `The input is the ${input.length}-channel ${size} input given.`;
  }
}

function repeatChannels(maps: Maps, channels: number): Maps {
  return Array.from({ length: channels }, (_, c) => maps[c % maps.length]!.map((row) => [...row]));
}
