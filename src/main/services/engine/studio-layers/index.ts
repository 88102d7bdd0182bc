import * as tf from '@tensorflow/tfjs';
import { StudioActivation } from './activation-layer';
import { StudioBatchNorm } from './batch-norm-layer';
import { StudioConv2D } from './conv2d-layer';
import { StudioDepthwiseConv2D } from './depthwise-conv2d-layer';
import { StudioDropout } from './dropout-layer';
import { StudioPool2D } from './pool2d-layer';
import { StudioSeparableConv2D } from './separable-conv2d-layer';

/** The project's own TF.js layer classes, listed once so a saved TF.js model can be read back. */
export const STUDIO_LAYER_CLASSES = [StudioConv2D, StudioPool2D, StudioBatchNorm, StudioDropout, StudioActivation, StudioDepthwiseConv2D, StudioSeparableConv2D] as const;

let registered = false;

/** Makes the studio's layer classes known to TF.js's (de)serialiser. Idempotent. */
export function registerStudioLayers(): void {
  if (registered) return;
  for (const cls of STUDIO_LAYER_CLASSES) tf.serialization.registerClass(cls);
  registered = true;
}

export { StudioActivation, StudioBatchNorm, StudioConv2D, StudioDepthwiseConv2D, StudioDropout, StudioPool2D, StudioSeparableConv2D };
