import { describe, expect, it } from 'vitest';
import { buildPytorchPackage, checkWeightsFit, jobSlug, packageConfig } from '../../../../../src/main/services/export/pytorch';
import { createProject } from '../../../../../src/shared/project/project';
import { analyzeGraph } from '../../../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../../../src/shared/templates';
import type { WeightSet } from '../../../../../src/shared/weights';
import { graphOf } from './support/kind-graphs';

const decoder = new TextDecoder();

function lenet() {
  const graph = buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 10 });
  return { graph, flat: analyzeGraph(graph).flat!, project: createProject('LeNet on "letters"', graph) };
}

describe('the package files', () => {
  it('counts_the_networks_own_weights_as_inspect_does', () => {
    const graph = graphOf([
      ['input', 'Input', { height: 8, width: 8, channels: 1 }, []],
      ['conv', 'Conv2D', { filters: 4, kernelSize: 3, trainable: false }, ['input']],
      ['bn', 'BatchNorm', {}, ['conv']],
      ['flatten', 'Flatten', {}, ['bn']],
      ['output', 'Output', { classes: 3 }, ['flatten']],
    ]);
    const config = packageConfig({ flat: analyzeGraph(graph).flat!, project: createProject('p', graph), projectPath: null, source: { kind: 'project', path: 'p' }, weights: null, labels: null, preprocessing: null, producerVersion: '1' });
    expect(config.params).toEqual({ ...analyzeGraph(graph).totals });
    // Frozen conv 3·3·1·4 + 4 = 40 and BatchNorm statistics 8 are non-trainable; γ, β 8 and the Output 144·3 + 3 train.
    expect(config.params).toEqual({ trainable: 8 + 435, nonTrainable: 40 + 8, total: 491 });
    expect(config).toMatchObject({ classes: 3, outputNode: 'output', loss: 'softmax-cross-entropy', startWeights: null, input: { height: 8, width: 8, channels: 1 } });
  });

  it('includes_start_weights_labels_and_launch_files', () => {
    const { flat, project } = lenet();
    const weights: WeightSet = { c1: { kernel: { shape: [5, 5, 1, 6], values: new Float32Array(150) } } };
    const files = buildPytorchPackage({ flat, project, projectPath: '/p/lenet.cnnstudio', source: { kind: 'run', path: '/p/runs/1' }, weights, labels: ['a', 'b'], preprocessing: null, producerVersion: '9.9', pythonSources: [{ name: 'train.py', data: new Uint8Array([35]) }] });
    const byName = new Map(files.map((f) => [f.name, decoder.decode(f.data)]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['model.py', 'train.py', 'cnn_studio.json', 'project.cnnstudio', 'README.md', 'requirements.txt', 'slurm/train.sbatch', 'kubernetes/pytorchjob.yaml', 'labels.json', 'weights/weights.json', 'weights/weights.bin']),
    );
    expect(JSON.parse(byName.get('project.cnnstudio')!).initialWeights).toBeNull();
    expect(JSON.parse(byName.get('cnn_studio.json')!)).toMatchObject({ producer: { name: 'cnn-studio', version: '9.9' }, startWeights: 'weights', labels: ['a', 'b'], projectPath: '/p/lenet.cnnstudio' });
    expect(byName.get('README.md')).toContain('2 classes, in this order: a, b');
    expect(byName.get('slurm/train.sbatch')).toContain('#SBATCH --job-name=lenet-on-letters');
    expect(byName.get('kubernetes/pytorchjob.yaml')).toContain('name: lenet-on-letters');
    expect(byName.get('model.py')).toContain('"""LeNet on "letters": the network');
  });

  it('job_names_are_safe_for_slurm_and_kubernetes', () => {
    expect(jobSlug('ResNet-50 on ImageNet (2026)')).toBe('resnet-50-on-imagenet-2026');
    expect(jobSlug('Ça va — été')).toBe('ca-va-ete');
    expect(jobSlug('???')).toBe('network');
    expect(jobSlug('x'.repeat(80))).toHaveLength(40);
  });

  it('weights_that_do_not_fit_are_refused_with_the_layer_and_shapes', () => {
    const { flat } = lenet();
    expect(() => checkWeightsFit(flat, {}, 'The weights of run 1')).toThrow('The weights of run 1 hold no kernel for layer c1 (expected [5, 5, 1, 6]).');
    const wrong: WeightSet = { c1: { kernel: { shape: [6, 1, 5, 5], values: new Float32Array(150) } } };
    expect(() => checkWeightsFit(flat, wrong, 'They')).toThrow('They give layer c1 a kernel of shape [6, 1, 5, 5], but the layer needs [5, 5, 1, 6].');
  });
});
