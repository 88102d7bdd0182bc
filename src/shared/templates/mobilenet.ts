import { GraphBuilder } from './graph-builder';
import type { TemplateDeclaration, TemplateOptions } from './types';

/** MobileNetV2's stages (Sandler et al. 2018, Table 2): expansion t, output channels c, blocks n, first stride s. */
const STAGES: readonly (readonly [t: number, c: number, n: number, s: number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** torchvision's `_make_divisible`: channels rounded to a multiple of 8, never more than 10% below the exact value. */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/**
 * MobileNetV2 as torchvision builds it: a 3x3/2 convolution (no bias) + BatchNorm + ReLU6, seventeen
 * inverted-residual blocks, a 1x1 convolution to 1,280 channels + BatchNorm + ReLU6, global average
 * pooling, 20% dropout, the classifier. The width multiplier scales every stage's channels (rounded to
 * multiples of 8) but never shrinks the last 1,280. At width 1, 224x224x3 and 1,000 classes:
 * 3,504,872 trainable parameters, as torchvision.models.mobilenet_v2.
 */
export function buildMobileNetV2({ input, classes, width = 1 }: TemplateOptions): ReturnType<TemplateDeclaration['build']> {
  const g = new GraphBuilder();
  g.add('input', 'Input', { ...input });
  g.add('stem', 'Conv2D', { filters: makeDivisible(32 * width), kernelSize: 3, strides: 2, padding: 1, useBias: false, activation: 'linear' });
  g.add('stem_bn', 'BatchNorm');
  g.add('stem_relu6', 'Activation', { activation: 'relu6' });
  let block = 0;
  for (const [t, c, n, s] of STAGES) {
    for (let i = 0; i < n; i++) g.add(`block${++block}`, 'InvertedResidual', { expansion: t, filters: makeDivisible(c * width), strides: i === 0 ? s : 1 });
  }
  g.add('head', 'Conv2D', { filters: makeDivisible(1280 * Math.max(1, width)), kernelSize: 1, useBias: false, activation: 'linear' });
  g.add('head_bn', 'BatchNorm');
  g.add('head_relu6', 'Activation', { activation: 'relu6' });
  g.add('avgpool', 'GlobalAvgPool');
  g.add('dropout', 'Dropout', { rate: 0.2 });
  g.add('output', 'Output', { classes });
  return g.build();
}

export const mobilenetV2Template: TemplateDeclaration = {
  name: 'mobilenetv2',
  label: 'MobileNetV2',
  description:
    'Inverted-residual blocks of depthwise convolutions: ImageNet accuracy near ResNet-50\'s with a seventh of the weights, the usual start for fine-tuning on a laptop. --width scales its channels.',
  reference: 'Sandler, Howard, Zhu, Zhmoginov, Chen (2018), MobileNetV2, Table 2; torchvision.models.mobilenet_v2.',
  defaults: { input: { height: 224, width: 224, channels: 3 }, classes: 1000 },
  small: false,
  build: buildMobileNetV2,
};

/** MobileNetV2 at width 0.35 for 32x32 images: a few hundred thousand weights, trainable on a CPU. */
export const mobilenetV2SmallTemplate: TemplateDeclaration = {
  name: 'mobilenetv2-small',
  label: 'MobileNetV2 (small)',
  description: 'MobileNetV2 at width 0.35 for 32x32 images: the same blocks with a third of the channels.',
  reference: 'Sandler et al. (2018), width multiplier 0.35 (their smallest); torchvision.models.mobilenet_v2(width_mult=0.35).',
  defaults: { input: { height: 32, width: 32, channels: 3 }, classes: 10, width: 0.35 },
  small: true,
  build: (options) => buildMobileNetV2({ ...options, width: options.width ?? 0.35 }),
};
