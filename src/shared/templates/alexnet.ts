import { GraphBuilder } from './graph-builder';
import type { TemplateDeclaration } from './types';

/**
 * AlexNet as torchvision defines it (the one-GPU variant of Krizhevsky et al. 2012, without local
 * response normalisation): 61,100,840 parameters at 224x224x3 and 1,000 classes. The 3x3 stride-2
 * max-pools overlap, as in the paper.
 */
export const alexnetTemplate: TemplateDeclaration = {
  name: 'alexnet',
  label: 'AlexNet',
  description: 'The 2012 ImageNet winner: five convolutions with overlapping max-pooling, then two 4096-unit layers with dropout.',
  reference: 'Krizhevsky, Sutskever, Hinton (2012); torchvision.models.alexnet.',
  defaults: { input: { height: 224, width: 224, channels: 3 }, classes: 1000 },
  small: false,
  build({ input, classes }) {
    const g = new GraphBuilder();
    g.add('input', 'Input', { ...input });
    g.add('conv1', 'Conv2D', { filters: 64, kernelSize: 11, strides: 4, padding: 2 });
    g.add('pool1', 'MaxPool2D', { poolSize: 3, strides: 2 });
    g.add('conv2', 'Conv2D', { filters: 192, kernelSize: 5, padding: 2 });
    g.add('pool2', 'MaxPool2D', { poolSize: 3, strides: 2 });
    g.add('conv3', 'Conv2D', { filters: 384, kernelSize: 3, padding: 1 });
    g.add('conv4', 'Conv2D', { filters: 256, kernelSize: 3, padding: 1 });
    g.add('conv5', 'Conv2D', { filters: 256, kernelSize: 3, padding: 1 });
    g.add('pool5', 'MaxPool2D', { poolSize: 3, strides: 2 });
    g.add('flatten', 'Flatten');
    g.add('drop6', 'Dropout', { rate: 0.5 });
    g.add('fc6', 'Dense', { units: 4096 });
    g.add('drop7', 'Dropout', { rate: 0.5 });
    g.add('fc7', 'Dense', { units: 4096 });
    g.add('output', 'Output', { classes });
    return g.build();
  },
};

/** A scaled-down AlexNet for 32x32 images: the same shape of network, trainable on a CPU in minutes. */
export const alexnetSmallTemplate: TemplateDeclaration = {
  name: 'alexnet-small',
  label: 'AlexNet (small)',
  description: 'AlexNet\'s pattern (large first kernel, overlapping pooling, three stacked 3x3 convolutions, dropout) sized for 32x32 images.',
  reference: 'A reduction of torchvision.models.alexnet made for this studio.',
  defaults: { input: { height: 32, width: 32, channels: 3 }, classes: 10 },
  small: true,
  build({ input, classes }) {
    const g = new GraphBuilder();
    g.add('input', 'Input', { ...input });
    g.add('conv1', 'Conv2D', { filters: 32, kernelSize: 5, padding: 'same' });
    g.add('pool1', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('conv2', 'Conv2D', { filters: 64, kernelSize: 5, padding: 'same' });
    g.add('pool2', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('conv3', 'Conv2D', { filters: 96, kernelSize: 3, padding: 'same' });
    g.add('conv4', 'Conv2D', { filters: 96, kernelSize: 3, padding: 'same' });
    g.add('conv5', 'Conv2D', { filters: 64, kernelSize: 3, padding: 'same' });
    g.add('pool5', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('flatten', 'Flatten');
    g.add('drop6', 'Dropout', { rate: 0.5 });
    g.add('fc6', 'Dense', { units: 256 });
    g.add('drop7', 'Dropout', { rate: 0.5 });
    g.add('fc7', 'Dense', { units: 256 });
    g.add('output', 'Output', { classes });
    return g.build();
  },
};
