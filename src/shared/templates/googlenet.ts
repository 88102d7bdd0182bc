import { GraphBuilder } from './graph-builder';
import type { TemplateDeclaration } from './types';

/** Table 1 of Szegedy et al. (2015): #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
const MODULES = {
  inception3a: [64, 96, 128, 16, 32, 32],
  inception3b: [128, 128, 192, 32, 96, 64],
  inception4a: [192, 96, 208, 16, 48, 64],
  inception4b: [160, 112, 224, 24, 64, 64],
  inception4c: [128, 128, 256, 24, 64, 64],
  inception4d: [112, 144, 288, 32, 64, 64],
  inception4e: [256, 160, 320, 32, 128, 128],
  inception5a: [256, 160, 320, 32, 128, 128],
  inception5b: [384, 192, 384, 48, 128, 128],
} as const;

function inception(values: readonly number[]) {
  const [c1x1, c3x3reduce, c3x3, c5x5reduce, c5x5, poolProj] = values;
  return { c1x1, c3x3reduce, c3x3, c5x5reduce, c5x5, poolProj };
}

/**
 * GoogLeNet (Inception v1) as in Table 1 of the paper, without the auxiliary classifiers and without
 * local response normalisation: convolutions with bias and ReLU, 3x3/2 max-pools with "same" padding
 * (the paper's and torchvision's ceil mode give the same 112 → 56 → 28 → 14 → 7 sizes), nine Inception
 * modules, global average pooling, 40% dropout. torchvision's version differs on purpose: it adds
 * BatchNorm and uses a 3x3 kernel in the "5x5" branch (kept there for its pretrained weights).
 */
export const googlenetTemplate: TemplateDeclaration = {
  name: 'googlenet',
  label: 'GoogLeNet',
  description: 'Inception v1, the 2014 ImageNet winner: nine Inception modules whose 1x1 reductions keep the network deep but light.',
  reference: 'Szegedy et al. (2015), Going deeper with convolutions, Table 1.',
  defaults: { input: { height: 224, width: 224, channels: 3 }, classes: 1000 },
  small: false,
  build({ input, classes }) {
    const g = new GraphBuilder();
    g.add('input', 'Input', { ...input });
    g.add('conv1', 'Conv2D', { filters: 64, kernelSize: 7, strides: 2, padding: 3 });
    g.add('pool1', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('conv2_reduce', 'Conv2D', { filters: 64, kernelSize: 1 });
    g.add('conv2', 'Conv2D', { filters: 192, kernelSize: 3, padding: 1 });
    g.add('pool2', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('inception3a', 'Inception', inception(MODULES.inception3a));
    g.add('inception3b', 'Inception', inception(MODULES.inception3b));
    g.add('pool3', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    for (const name of ['inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e'] as const) {
      g.add(name, 'Inception', inception(MODULES[name]));
    }
    g.add('pool4', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('inception5a', 'Inception', inception(MODULES.inception5a));
    g.add('inception5b', 'Inception', inception(MODULES.inception5b));
    g.add('avgpool', 'GlobalAvgPool');
    g.add('dropout', 'Dropout', { rate: 0.4 });
    g.add('output', 'Output', { classes });
    return g.build();
  },
};

/** Two Inception modules on a small stem, for 32x32 images. */
export const googlenetSmallTemplate: TemplateDeclaration = {
  name: 'googlenet-small',
  label: 'GoogLeNet (small)',
  description: 'GoogLeNet\'s idea at CPU scale: a 3x3 stem, two Inception modules, a max-pool, two more, global average pooling.',
  reference: 'A reduction of Szegedy et al. (2015) made for this studio.',
  defaults: { input: { height: 32, width: 32, channels: 3 }, classes: 10 },
  small: true,
  build({ input, classes }) {
    const g = new GraphBuilder();
    g.add('input', 'Input', { ...input });
    g.add('conv1', 'Conv2D', { filters: 32, kernelSize: 3, padding: 'same' });
    g.add('pool1', 'MaxPool2D', { poolSize: 2, strides: 2 });
    g.add('inception2a', 'Inception', inception([16, 16, 24, 4, 8, 8]));
    g.add('inception2b', 'Inception', inception([24, 24, 32, 4, 12, 12]));
    g.add('pool2', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' });
    g.add('inception3a', 'Inception', inception([32, 32, 48, 8, 16, 16]));
    g.add('inception3b', 'Inception', inception([48, 32, 64, 8, 24, 24]));
    g.add('avgpool', 'GlobalAvgPool');
    g.add('dropout', 'Dropout', { rate: 0.4 });
    g.add('output', 'Output', { classes });
    return g.build();
  },
};
