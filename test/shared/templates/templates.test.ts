import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { buildTemplate, findTemplate, parseInputSize, TEMPLATES } from '../../../src/shared/templates';

// Trainable parameter counts of torchvision's definitions at 224x224x3 and 1,000 classes
// (sum(p.numel() for p in model.parameters())), as listed in the issue and checked with torchvision
// 0.14 on this machine; LeNet-5 at 32x32x1, 10 classes: 61,706 (LeCun et al. 1998 without the
// trainable subsampling coefficients).
const TORCHVISION_COUNTS: Record<string, number> = {
  alexnet: 61_100_840,
  vgg11: 132_863_336,
  vgg16: 138_357_544,
  vgg19: 143_667_240,
  resnet18: 11_689_512,
  resnet34: 21_797_672,
  resnet50: 25_557_032,
  mobilenetv2: 3_504_872,
};

describe('templates', () => {
  for (const [name, count] of Object.entries(TORCHVISION_COUNTS)) {
    it(`${name}_at_224_matches_torchvision`, () => {
      const a = analyzeGraph(buildTemplate(name, { input: { height: 224, width: 224, channels: 3 }, classes: 1000 }));
      expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(a.totals.trainable).toBe(count);
    });
  }

  it('vgg13_configuration_b', () => {
    // Configuration B adds one 64 and one 128 3x3 convolution to A: 36,928 + 147,584 more than VGG-11.
    expect(analyzeGraph(buildTemplate('vgg13')).totals.trainable).toBe(132_863_336 + 36_928 + 147_584);
  });

  it('resnet_batchnorm_statistics_are_non_trainable', () => {
    // ResNet-18 has 4,800 BatchNorm channels: 9,600 running statistics.
    expect(analyzeGraph(buildTemplate('resnet18')).totals.nonTrainable).toBe(9_600);
  });

  it('lenet5_at_32x32x1_has_61706_parameters', () => {
    const a = analyzeGraph(buildTemplate('lenet5', { input: { height: 32, width: 32, channels: 1 }, classes: 10 }));
    expect(a.totals).toEqual({ trainable: 61_706, nonTrainable: 0, total: 61_706 });
    expect(a.nodes.map((n) => n.outputShape)).toEqual([[32, 32, 1], [28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [1, 1, 120], [120], [84], [10]]);
  });

  it('lenet5_at_28x28_pads_the_first_convolution', () => {
    const a = analyzeGraph(buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 10 }));
    expect(a.issues).toEqual([]);
    expect(a.totals.trainable).toBe(61_706);
  });

  it('mobilenetv2_width_multiplier_matches_torchvision', () => {
    // torchvision.models.mobilenet_v2(width_mult=w): parameters and BatchNorm running statistics, torchvision 0.14.
    const counts: [number, number, number][] = [
      [0.35, 1_677_128, 14_080],
      [0.5, 1_968_680, 18_544],
      [1.4, 6_108_776, 47_936],
    ];
    for (const [width, trainable, statistics] of counts) {
      const a = analyzeGraph(buildTemplate('mobilenetv2', { width }));
      expect(a.totals.trainable, `width ${width}`).toBe(trainable);
      expect(a.totals.nonTrainable, `width ${width}`).toBe(statistics);
    }
    const a = analyzeGraph(buildTemplate('mobilenetv2'));
    const shape = (id: string) => a.nodes.find((n) => n.id === id)!.outputShape;
    expect(shape('stem_relu6')).toEqual([112, 112, 32]);
    expect(shape('block1')).toEqual([112, 112, 16]);
    expect(shape('block17')).toEqual([7, 7, 320]);
    expect(shape('head_relu6')).toEqual([7, 7, 1280]);
    // Ten blocks keep their size and channels, so they add their input (torchvision's use_res_connect).
    expect(a.flat!.nodes.filter((n) => n.kind === 'Add')).toHaveLength(10);
  });

  it('googlenet_follows_table_1_sizes', () => {
    const a = analyzeGraph(buildTemplate('googlenet'));
    const shape = (id: string) => a.nodes.find((n) => n.id === id)!.outputShape;
    expect(shape('pool1')).toEqual([56, 56, 64]);
    expect(shape('pool2')).toEqual([28, 28, 192]);
    expect(shape('inception3a')).toEqual([28, 28, 256]);
    expect(shape('inception3b')).toEqual([28, 28, 480]);
    expect(shape('inception4e')).toEqual([14, 14, 832]);
    expect(shape('inception5b')).toEqual([7, 7, 1024]);
    expect(shape('output')).toEqual([1000]);
  });

  it('classes_and_input_size_parameterise_every_template', () => {
    for (const t of TEMPLATES) {
      const input = t.small ? { height: 32, width: 32, channels: 3 } : { height: 224, width: 224, channels: 1 };
      const a = analyzeGraph(t.build({ input, classes: 7 }));
      expect(a.issues.filter((i) => i.severity === 'error'), t.name).toEqual([]);
      expect(a.nodes.find((n) => n.kind === 'Output')!.outputShape).toEqual([7]);
      expect(a.nodes.find((n) => n.kind === 'Input')!.outputShape).toEqual([input.height, input.width, input.channels]);
    }
  });

  it('small_variants_are_small', () => {
    for (const t of TEMPLATES.filter((x) => x.small)) {
      expect(analyzeGraph(t.build(t.defaults)).totals.total, t.name).toBeLessThan(1_000_000);
    }
  });

  it('a_template_too_big_for_the_input_reports_why', () => {
    const a = analyzeGraph(buildTemplate('alexnet', { input: { height: 32, width: 32, channels: 3 }, classes: 10 }));
    expect(a.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['MaxPool2D pool5: The 3x3 pooling window is larger than the 1x1 input.']);
  });

  it('names_are_unique_and_the_cli_names_exist', () => {
    const names = TEMPLATES.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['lenet5', 'alexnet', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'googlenet', 'resnet18', 'resnet34', 'resnet50']) expect(findTemplate(n)).toBeDefined();
  });

  it('unknown_template_is_a_sentence_listing_the_names', () => {
    expect(() => buildTemplate('resnet101')).toThrow(/There is no template named "resnet101"/);
  });

  it('parses_input_sizes', () => {
    expect(parseInputSize('28x28x1')).toEqual({ height: 28, width: 28, channels: 1 });
    expect(parseInputSize('224X224X3')).toEqual({ height: 224, width: 224, channels: 3 });
    expect(() => parseInputSize('28x28')).toThrow(/is not of the form HxWxC/);
    expect(() => parseInputSize('28x28x2')).toThrow(/has 2 channels; an image has 1 \(grey\) or 3 \(colour\)/);
  });
});
