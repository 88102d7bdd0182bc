import { GraphBuilder } from './graph-builder';
import type { TemplateDeclaration } from './types';

/**
 * LeCun et al. 1998: C1 6@5x5, S2 2x2 average, C3 16@5x5, S4, C5 120@5x5, F6 84, output, with tanh.
 * The paper's trainable subsampling coefficients and partial C3 connections are replaced by plain
 * average pooling and full connections, as in every modern re-implementation (61,706 parameters at
 * 32x32x1 and 10 classes). Below 32 pixels C1 pads "same", the usual trick for 28x28 MNIST.
 */
export const lenet5Template: TemplateDeclaration = {
  name: 'lenet5',
  label: 'LeNet-5',
  description: 'The network that read cheques: two convolution + subsampling stages and three fully-connected layers, with tanh.',
  reference: 'LeCun, Bottou, Bengio, Haffner (1998), Gradient-based learning applied to document recognition, Fig. 2.',
  defaults: { input: { height: 32, width: 32, channels: 1 }, classes: 10 },
  small: true,
  build({ input, classes }) {
    const g = new GraphBuilder();
    const pad = Math.min(input.height, input.width) < 32 ? 'same' : 'valid';
    g.add('input', 'Input', { ...input });
    g.add('c1', 'Conv2D', { filters: 6, kernelSize: 5, padding: pad, activation: 'tanh' });
    g.add('s2', 'AvgPool2D', { poolSize: 2, strides: 2 });
    g.add('c3', 'Conv2D', { filters: 16, kernelSize: 5, activation: 'tanh' });
    g.add('s4', 'AvgPool2D', { poolSize: 2, strides: 2 });
    g.add('c5', 'Conv2D', { filters: 120, kernelSize: 5, activation: 'tanh' });
    g.add('flatten', 'Flatten');
    g.add('f6', 'Dense', { units: 84, activation: 'tanh' });
    g.add('output', 'Output', { classes });
    return g.build();
  },
};
