import type { depthwiseConv2dLayer } from '../../../../../shared/layers/depthwise-conv2d';
import type { ParamsOf } from '../../../../../shared/layers/params';
import type { separableConv2dLayer } from '../../../../../shared/layers/separable-conv2d';
import type { zeroPadding2dLayer } from '../../../../../shared/layers/zero-padding';
import { applyActivation, layerAlpha } from './activation';
import type { EmitContext, PytorchEmitter } from './emitter';
import { onlyInput, padTuple, paramsOf, symmetricPad, windowPads } from './emitter';

type DepthwiseParams = ParamsOf<typeof depthwiseConv2dLayer.params>;
type SeparableParams = ParamsOf<typeof separableConv2dLayer.params>;
type ZeroPaddingParams = ParamsOf<typeof zeroPadding2dLayer.params>;

/** The window arguments shared by both kinds, and the forward with an explicit F.pad for an odd `same`. */
function windowed(context: EmitContext, p: DepthwiseParams, moduleArgs: string[]) {
  const input = onlyInput(context);
  const pads = windowPads(context, p.kernelSize, p.strides, p.dilation, p.padding);
  const symmetric = symmetricPad(pads);
  const args = [...moduleArgs];
  if (p.strides !== 1) args.push(`stride=${p.strides}`);
  if (symmetric) args.push(`padding=${symmetric}`);
  if (p.dilation !== 1) args.push(`dilation=${p.dilation}`);
  return {
    args,
    forward(out: string): string[] {
      const lines: string[] = [];
      let source = input;
      if (symmetric === null) {
        lines.push(`${out} = F.pad(${input}, ${padTuple(pads)})  # "same" as TF.js: the odd zero goes bottom/right`);
        source = out;
      }
      lines.push(`${out} = ${applyActivation(p.activation, `self.${context.name}(${source})`, { alpha: layerAlpha(p.activation), map: true })}`);
      return lines;
    },
  };
}

/** DepthwiseConv2D as nn.Conv2d(C, C·M, groups=C); its `[n, n, C, M]` kernel is PyTorch's `[C·M, 1, n, n]`. */
export const emitDepthwiseConv2d: PytorchEmitter = (context) => {
  const p = paramsOf<DepthwiseParams>(context);
  const channels = context.node.inputShapes[0]![2]!;
  const { args, forward } = windowed(context, p, [`${channels}`, `${channels * p.depthMultiplier}`, `kernel_size=${p.kernelSize}`]);
  args.push(`groups=${channels}`);
  if (!p.useBias) args.push('bias=False');
  return { init: [`self.${context.name} = nn.Conv2d(${args.join(', ')})`], forward, weights: 'depthwise', frozen: !p.trainable };
};

/** SeparableConv2D as model.py's SeparableConv2d (a depthwise nn.Conv2d, then a 1x1 one with the bias). */
export const emitSeparableConv2d: PytorchEmitter = (context) => {
  const p = paramsOf<SeparableParams>(context);
  const channels = context.node.inputShapes[0]![2]!;
  const { args, forward } = windowed(context, p, [`${channels}`, `${p.depthMultiplier}`, `${p.filters}`, `kernel_size=${p.kernelSize}`]);
  if (!p.useBias) args.push('bias=False');
  return { init: [`self.${context.name} = SeparableConv2d(${args.join(', ')})`], forward, weights: 'separable', frozen: !p.trainable, helpers: ['separable_conv2d'] };
};

/** ZeroPadding2D as F.pad, whose order for NCHW is (left, right, top, bottom). */
export const emitZeroPadding2d: PytorchEmitter = (context) => {
  const p = paramsOf<ZeroPaddingParams>(context);
  return { init: [], forward: (out) => [`${out} = F.pad(${onlyInput(context)}, (${p.left}, ${p.right}, ${p.top}, ${p.bottom}))`] };
};
