import type { PrimitiveKind } from '../../../../../shared/layers';
import { emitActivationLayer } from './activation';
import { emitBatchNorm } from './batch-norm';
import { emitConv2d } from './conv2d';
import { emitDense, emitOutput } from './dense';
import { emitDepthwiseConv2d, emitSeparableConv2d } from './depthwise-conv2d';
import { emitDropout } from './dropout';
import type { OnnxEmitter } from './emitter';
import { emitFlatten } from './flatten';
import { emitInput } from './input';
import { emitAdd, emitConcatenate } from './merge';
import { emitAvgPool2d, emitGlobalAvgPool, emitGlobalMaxPool, emitMaxPool2d } from './pooling';
import { emitZeroPadding2d } from './zero-padding';

/**
 * One emitter per primitive kind, keyed like the engine's builders. Typed as a Record over
 * PrimitiveKind, so a kind added to src/shared/layers does not compile until it has an emitter here.
 */
export const ONNX_EMITTERS: Readonly<Record<PrimitiveKind, OnnxEmitter>> = {
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
  Activation: emitActivationLayer,
  Add: emitAdd,
  Concatenate: emitConcatenate,
  Output: emitOutput,
};

export type { EmitContext, OnnxEmitter } from './emitter';
