import type { PrimitiveKind } from '../../../../../shared/layers';
import { emitActivation } from './activation';
import { emitConv2d } from './conv2d';
import { emitDense, emitOutput } from './dense';
import { emitDepthwiseConv2d, emitSeparableConv2d, emitZeroPadding2d } from './depthwise-conv2d';
import type { PytorchEmitter } from './emitter';
import { emitBatchNorm, emitDropout } from './normalization';
import { emitAvgPool2d, emitGlobalAvgPool, emitGlobalMaxPool, emitMaxPool2d } from './pooling';
import { emitAdd, emitConcatenate, emitFlatten, emitInput } from './structure';

/**
 * One PyTorch emitter per primitive kind. Typed as a Record over PrimitiveKind, so a kind added to
 * src/shared/layers does not compile until it can be exported to PyTorch.
 */
export const PYTORCH_EMITTERS: Readonly<Record<PrimitiveKind, PytorchEmitter>> = {
  Input: emitInput,
  Conv2D: emitConv2d,
  DepthwiseConv2D: emitDepthwiseConv2d,
  SeparableConv2D: emitSeparableConv2d,
  ZeroPadding2D: emitZeroPadding2d,
  MaxPool2D: emitMaxPool2d,
  AvgPool2D: emitAvgPool2d,
  GlobalAvgPool: emitGlobalAvgPool,
  GlobalMaxPool: emitGlobalMaxPool,
  Flatten: emitFlatten,
  Dense: emitDense,
  Dropout: emitDropout,
  BatchNorm: emitBatchNorm,
  Activation: emitActivation,
  Add: emitAdd,
  Concatenate: emitConcatenate,
  Output: emitOutput,
};

export type { EmitContext, EmittedNode, ModelHelper, PytorchEmitter, TorchWeightLayout } from './emitter';
