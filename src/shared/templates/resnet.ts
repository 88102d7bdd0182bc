import { GraphBuilder } from './graph-builder';
import type { TemplateDeclaration } from './types';

interface ResNetSpec {
  name: string;
  depth: number;
  variant: 'basic' | 'bottleneck';
  blocks: [number, number, number, number];
}

/**
 * ResNet as torchvision defines it (He et al. 2016, with the stride on the 3x3 convolution of a
 * bottleneck, "v1.5"): a 7x7/2 stem without bias + BatchNorm + ReLU, a 3x3/2 max-pool, four stages of
 * residual blocks (64, 128, 256, 512 filters; the first block of stages 2–4 halves the map), global
 * average pooling, the classifier. At 224x224x3 and 1,000 classes: ResNet-18 11,689,512, ResNet-34
 * 21,797,672, ResNet-50 25,557,032 trainable parameters.
 */
function resnetTemplate(spec: ResNetSpec): TemplateDeclaration {
  return {
    name: spec.name,
    label: `ResNet-${spec.depth}`,
    description: `${spec.depth} layers of ${spec.variant} residual blocks (${spec.blocks.join(', ')} per stage): the skip connections let very deep networks train.`,
    reference: `He, Zhang, Ren, Sun (2016), Table 1; torchvision.models.${spec.name}.`,
    defaults: { input: { height: 224, width: 224, channels: 3 }, classes: 1000 },
    small: false,
    build({ input, classes }) {
      const g = new GraphBuilder();
      g.add('input', 'Input', { ...input });
      g.add('conv1', 'Conv2D', { filters: 64, kernelSize: 7, strides: 2, padding: 3, useBias: false, activation: 'linear' });
      g.add('bn1', 'BatchNorm');
      g.add('relu1', 'Activation', { activation: 'relu' });
      g.add('maxpool', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 });
      spec.blocks.forEach((count, stage) => {
        for (let b = 0; b < count; b++) {
          g.add(`layer${stage + 1}_${b + 1}`, 'Residual', {
            variant: spec.variant,
            filters: 64 * 2 ** stage,
            strides: stage > 0 && b === 0 ? 2 : 1,
          });
        }
      });
      g.add('avgpool', 'GlobalAvgPool');
      g.add('output', 'Output', { classes });
      return g.build();
    },
  };
}

export const resnet18Template = resnetTemplate({ name: 'resnet18', depth: 18, variant: 'basic', blocks: [2, 2, 2, 2] });
export const resnet34Template = resnetTemplate({ name: 'resnet34', depth: 34, variant: 'basic', blocks: [3, 4, 6, 3] });
export const resnet50Template = resnetTemplate({ name: 'resnet50', depth: 50, variant: 'bottleneck', blocks: [3, 4, 6, 3] });

/**
 * The CIFAR-style ResNet of He et al. (2016, section 4.2) with n = 1 (ResNet-8): a 3x3 stem and three
 * stages of 16, 32, 64 filters. Trains in minutes on 32x32 images on a CPU.
 */
export const resnetSmallTemplate: TemplateDeclaration = {
  name: 'resnet-small',
  label: 'ResNet (small)',
  description: 'A ResNet-8 for 32x32 images: a 3x3 stem and three residual stages of 16, 32 and 64 filters.',
  reference: 'He, Zhang, Ren, Sun (2016), section 4.2 (CIFAR-10 networks), n = 1.',
  defaults: { input: { height: 32, width: 32, channels: 3 }, classes: 10 },
  small: true,
  build({ input, classes }) {
    const g = new GraphBuilder();
    g.add('input', 'Input', { ...input });
    g.add('conv1', 'Conv2D', { filters: 16, kernelSize: 3, padding: 1, useBias: false, activation: 'linear' });
    g.add('bn1', 'BatchNorm');
    g.add('relu1', 'Activation', { activation: 'relu' });
    g.add('layer1_1', 'Residual', { variant: 'basic', filters: 16, strides: 1 });
    g.add('layer2_1', 'Residual', { variant: 'basic', filters: 32, strides: 2 });
    g.add('layer3_1', 'Residual', { variant: 'basic', filters: 64, strides: 2 });
    g.add('avgpool', 'GlobalAvgPool');
    g.add('output', 'Output', { classes });
    return g.build();
  },
};
