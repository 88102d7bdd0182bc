import { GraphBuilder } from './graph-builder';
import type { TemplateDeclaration } from './types';

/** Table 1 of Simonyan & Zisserman (2015): channels per 3x3 convolution, 'M' for a 2x2 max-pool. */
const CONFIGURATIONS = {
  vgg11: { config: 'A', layers: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] },
  vgg13: { config: 'B', layers: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] },
  vgg16: { config: 'D', layers: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'] },
  vgg19: { config: 'E', layers: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'] },
} as const;

type VggName = keyof typeof CONFIGURATIONS;

/**
 * VGG as torchvision defines it: 3x3 convolutions with padding 1, 2x2 max-pools, two 4096-unit layers
 * with dropout. At 224x224x3 and 1,000 classes: VGG-11 132,863,336, VGG-16 138,357,544, VGG-19
 * 143,667,240 parameters.
 */
function vggTemplate(name: VggName): TemplateDeclaration {
  const { config, layers } = CONFIGURATIONS[name];
  const depth = name.slice(3);
  return {
    name,
    label: `VGG-${depth}`,
    description: `Configuration ${config} of the VGG paper: only 3x3 convolutions, stacked in five stages that each end with a 2x2 max-pool.`,
    reference: `Simonyan & Zisserman (2015), Table 1, configuration ${config}; torchvision.models.${name}.`,
    defaults: { input: { height: 224, width: 224, channels: 3 }, classes: 1000 },
    small: false,
    build({ input, classes }) {
      const g = new GraphBuilder();
      g.add('input', 'Input', { ...input });
      let stage = 1;
      let index = 1;
      for (const layer of layers) {
        if (layer === 'M') {
          g.add(`pool${stage}`, 'MaxPool2D', { poolSize: 2, strides: 2 });
          stage += 1;
          index = 1;
        } else {
          g.add(`conv${stage}_${index}`, 'Conv2D', { filters: layer, kernelSize: 3, padding: 1 });
          index += 1;
        }
      }
      g.add('flatten', 'Flatten');
      g.add('fc6', 'Dense', { units: 4096 });
      g.add('drop6', 'Dropout', { rate: 0.5 });
      g.add('fc7', 'Dense', { units: 4096 });
      g.add('drop7', 'Dropout', { rate: 0.5 });
      g.add('output', 'Output', { classes });
      return g.build();
    },
  };
}

export const vgg11Template = vggTemplate('vgg11');
export const vgg13Template = vggTemplate('vgg13');
export const vgg16Template = vggTemplate('vgg16');
export const vgg19Template = vggTemplate('vgg19');

/** The VGG-style network of the engine benchmarks: two stages of two 3x3 convolutions, then 128 units. */
export const vggSmallTemplate: TemplateDeclaration = {
  name: 'vgg-small',
  label: 'VGG (small)',
  description: 'VGG\'s pattern at CPU scale: 2x conv32, max-pool, 2x conv64, max-pool, a 128-unit layer.',
  reference: 'The VGG-style benchmark network of this studio (see the README\'s performance section).',
  defaults: { input: { height: 32, width: 32, channels: 3 }, classes: 10 },
  small: true,
  build({ input, classes }) {
    const g = new GraphBuilder();
    g.add('input', 'Input', { ...input });
    g.add('conv1_1', 'Conv2D', { filters: 32, kernelSize: 3, padding: 'same' });
    g.add('conv1_2', 'Conv2D', { filters: 32, kernelSize: 3, padding: 'same' });
    g.add('pool1', 'MaxPool2D', { poolSize: 2, strides: 2 });
    g.add('conv2_1', 'Conv2D', { filters: 64, kernelSize: 3, padding: 'same' });
    g.add('conv2_2', 'Conv2D', { filters: 64, kernelSize: 3, padding: 'same' });
    g.add('pool2', 'MaxPool2D', { poolSize: 2, strides: 2 });
    g.add('flatten', 'Flatten');
    g.add('fc3', 'Dense', { units: 128 });
    g.add('output', 'Output', { classes });
    return g.build();
  },
};
