import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportFile } from '../../../../src/main/services/export/tfjs/tfjs-exporter';
import { buildStandardModel, exportTfjs } from '../../../../src/main/services/export/tfjs/tfjs-exporter';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { buildTemplate } from '../../../../src/shared/templates';
import { chain } from '../../../support/graph-fixtures';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, useWasm } from './support/parity';

/** tf.layers classes a plain TF.js installation registers (tfjs-layers' own serialisation names). */
const STANDARD_CLASSES = new Set([
  'InputLayer',
  'Conv2D',
  'ZeroPadding2D',
  'Cropping2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Dense',
  'Dropout',
  'BatchNormalization',
  'Activation',
  'LeakyReLU',
  'ELU',
  'Softmax',
  'Add',
  'Concatenate',
  'Rescaling',
]);

/** Serves export files over HTTP, as a web page would fetch them. */
let files = new Map<string, Uint8Array>();
let baseUrl = '';
const server = createServer((request, response) => {
  const data = files.get((request.url ?? '').replace(/^\//, ''));
  if (!data) {
    response.writeHead(404).end();
    return;
  }
  // No keep-alive: a socket the server closes while idle would fail the next fetch that reuses it.
  response.writeHead(200, { 'content-type': request.url?.endsWith('.json') ? 'application/json' : 'application/octet-stream', connection: 'close' }).end(Buffer.from(data));
});

beforeAll(async () => {
  await useWasm();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** Exports a graph with trained-like weights, loads it back with plain tf.loadLayersModel, and compares with the engine's model. */
async function exportAndLoad(graph: ModelGraph, extras: { labels?: string[] } = {}): Promise<{ exported: ExportFile[]; topology: { class_name: string }[] }> {
  const flat = flatOf(graph);
  const compiled = compileWith(flat);
  const weights = perturbWeights(modelWeights(compiled));
  compiled.model.dispose();
  const engine = compileWith(flat, weights);
  const batch = imageBatch(flat, 3);
  const expected = predictTf(engine.model, batch);
  engine.model.dispose();
  const exported = await exportTfjs({ flat, weights, labels: extras.labels, producerVersion: '9.9.9' });
  files = new Map(exported.map((f) => [f.name, f.data]));
  const loaded = await tf.loadLayersModel(`${baseUrl}/model.json`);
  expect(maxAbsDiff(predictTf(loaded, batch), expected)).toBeLessThanOrEqual(1e-5);
  loaded.dispose();
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
  return { exported, topology: json.modelTopology.config.layers };
}

describe('TF.js export', () => {
  it('loads_with_plain_tf_loadLayersModel_and_predicts_like_the_engine', async () => {
    const { exported, topology } = await exportAndLoad(buildTemplate('lenet5', {}), { labels: Array.from({ length: 10 }, (_, i) => `digit ${i}`) });
    expect(exported.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'labels.json']);
    expect(JSON.parse(new TextDecoder().decode(exported.find((f) => f.name === 'labels.json')!.data))).toEqual(Array.from({ length: 10 }, (_, i) => `digit ${i}`));
    expect(topology.map((l) => l.class_name).every((c) => STANDARD_CLASSES.has(c))).toBe(true);
    const json = JSON.parse(new TextDecoder().decode(exported[0]!.data));
    expect(json).toMatchObject({ format: 'layers-model', convertedBy: 'cnn-studio 9.9.9' });
  });

  it('uses_standard_layers_for_the_engine_s_own_classes', async () => {
    // Numeric padding and dilation (StudioConv2D), padded pools that never count their padding
    // (StudioPool2D), BatchNorm (StudioBatchNorm) and Dropout (StudioDropout), at odd sizes.
    const graph = chain(
      [11, 9, 3],
      [
        ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 2, dilation: 2, activation: 'leaky-relu' }],
        ['bn', 'BatchNorm', { epsilon: 1e-3 }],
        ['max', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 }],
        ['avg', 'AvgPool2D', { poolSize: 3, strides: 1, padding: 2 }],
        ['avg3', 'AvgPool2D', { poolSize: 2, strides: 3, padding: 1 }],
        ['drop', 'Dropout', { rate: 0.4 }],
        ['act', 'Activation', { activation: 'elu', alpha: 0.5 }],
        ['flat', 'Flatten'],
      ],
      { classes: 3 },
    );
    const { topology } = await exportAndLoad(graph);
    const classes = new Set(topology.map((l) => l.class_name));
    expect([...classes].filter((c) => !STANDARD_CLASSES.has(c))).toEqual([]);
    expect(classes).toContain('ZeroPadding2D');
    expect(classes).toContain('Cropping2D');
  });

  it('exports_residual_and_inception_templates', async () => {
    await exportAndLoad(buildTemplate('resnet18', { input: { height: 32, width: 32, channels: 3 }, classes: 4 }));
    await exportAndLoad(buildTemplate('googlenet-small', { input: { height: 32, width: 32, channels: 3 }, classes: 4 }));
  });

  it('shards_weights_in_4_MiB_files_listed_in_the_manifest', async () => {
    const flat = flatOf(buildTemplate('vgg-small', { input: { height: 32, width: 32, channels: 3 }, classes: 4 }));
    const compiled = compileWith(flat);
    const weights = modelWeights(compiled);
    compiled.model.dispose();
    const preprocessing = { height: 32, width: 32, channels: 3 as const, resize: 'stretch' as const, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channelOrder: 'rgb' as const };
    // Bigger than one shard: a wider Dense layer.
    const exported = await exportTfjs({ flat, weights, preprocessing, producerVersion: '1' });
    const manifest = JSON.parse(new TextDecoder().decode(exported[0]!.data)).weightsManifest;
    const shards = exported.filter((f) => f.name.endsWith('.bin'));
    expect(manifest[0].paths).toEqual(shards.map((s) => s.name));
    expect(shards.every((s) => s.data.byteLength <= 4 * 1024 * 1024)).toBe(true);
    const total = Object.values(weights).flatMap((w) => Object.values(w)).reduce((sum, t) => sum + t!.values.length * 4, 0);
    expect(shards.reduce((sum, s) => sum + s.data.byteLength, 0)).toBe(total);
    expect(JSON.parse(new TextDecoder().decode(exported.find((f) => f.name === 'preprocessing.json')!.data))).toEqual(preprocessing);
  });

  it('refuses_weights_that_do_not_fit', () => {
    const flat = flatOf(chain([5, 5, 1], [['conv', 'Conv2D', { filters: 2, kernelSize: 3 }], ['flat', 'Flatten']], { classes: 2 }));
    expect(() => buildStandardModel(flat, {})).toThrow('The weights hold no kernel for layer conv (expected [3, 3, 1, 2]).');
  });
});
