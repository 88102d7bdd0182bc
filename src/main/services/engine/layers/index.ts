import type { PrimitiveKind } from '../../../../shared/layers';
import { buildActivation } from './activation';
import type { LayerBuilder } from './builder';
import { buildConv2d } from './conv2d';
import { buildBatchNorm } from './batch-norm';
import { buildDense } from './dense';
import { buildDepthwiseConv2d } from './depthwise-conv2d';
import { buildDropout } from './dropout';
import { buildFlatten } from './flatten';
import { buildInput } from './input';
import { buildAdd, buildConcatenate } from './merge';
import { buildAvgPool2d, buildGlobalAvgPool, buildGlobalMaxPool, buildMaxPool2d } from './pooling';
import { buildOutput } from './output';
import { buildSeparableConv2d } from './separable-conv2d';
import { buildZeroPadding2d } from './zero-padding';

/**
 * One builder per primitive kind. Typed as a Record over PrimitiveKind, so a kind added to
 * src/shared/layers does not compile until it has a builder here.
 */
export const LAYER_BUILDERS: Readonly<Record<PrimitiveKind, LayerBuilder>> = {
  Input: buildInput,
  Conv2D: buildConv2d,
  DepthwiseConv2D: buildDepthwiseConv2d,
  SeparableConv2D: buildSeparableConv2d,
  ZeroPadding2D: buildZeroPadding2d,
  MaxPool2D: buildMaxPool2d,
  AvgPool2D: buildAvgPool2d,
  GlobalAvgPool: buildGlobalAvgPool,
  GlobalMaxPool: buildGlobalMaxPool,
  Flatten: buildFlatten,
  Dense: buildDense,
  Dropout: buildDropout,
  BatchNorm: buildBatchNorm,
  Activation: buildActivation,
  Add: buildAdd,
  Concatenate: buildConcatenate,
  Output: buildOutput,
};

export type { BuiltNode, LayerBuildContext, LayerBuilder } from './builder';
