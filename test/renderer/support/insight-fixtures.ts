import type { InsightActivations, InsightFilterResponses, InsightSaliency, RunNetwork } from '../../../src/shared/api/methods/insight';
import type { RunSummary } from '../../../src/shared/api/methods/runs';
import type { FilterReport } from '../../../src/shared/insight/insight-jobs';
import { projectToFile } from '../../../src/shared/project/codec';
import { createProject } from '../../../src/shared/project/project';
import { smallNet } from './project-fixtures';

/** Fakes of what the insight services answer for `smallNet` (28x28x1 → conv1 8@3x3 → pool1 → flatten → dense1 → output 10). */
export const RUN = '/p/test.runs/2026-11-25_10-00-00';
export const LABELS = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'];
export const PREPROCESSING = { height: 28, width: 28, channels: 1 as const, resize: 'stretch' as const, scale: 1 / 255, mean: [0], std: [1], channelOrder: 'rgb' as const };
/** A 1x1 PNG, base64: enough for an <img>. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';
export const INPUT = { png: PNG, height: 28, width: 28, channels: 1 as const };

export function runSummary(patch: Partial<RunSummary> = {}): RunSummary {
  return {
    runDir: RUN,
    id: '2026-11-25_10-00-00',
    projectName: 'Test',
    status: 'completed',
    message: null,
    createdAt: '2026-11-25T10:00:00.000Z',
    finishedAt: null,
    epochsPlanned: 2,
    epochsCompleted: 2,
    bestEpoch: 2,
    backend: 'WebAssembly',
    datasetPath: '/data',
    last: { epoch: 2, loss: 0.4, accuracy: 0.85, valLoss: 0.5, valAccuracy: 0.8 },
    best: null,
    hasWeights: true,
    live: false,
    kind: 'cnn',
    ...patch,
  };
}

export function runNetwork(patch: Partial<RunNetwork> = {}): RunNetwork {
  return { runDir: RUN, project: projectToFile(createProject('Test', smallNet())), labels: LABELS, preprocessing: PREPROCESSING, kind: 'cnn', hasInitial: true, ...patch };
}

const kernel = (f: number, shift = 0) => [[[f + shift, 0, -f], [0.2, 0, -0.2], [0.5, 0, -0.5 - shift]]];

export function filterReport(patch: Partial<FilterReport> = {}): FilterReport {
  return {
    layer: 'conv1',
    kind: 'Conv2D',
    filters: 8,
    channels: 1,
    kernelSize: 3,
    source: 'run',
    channelOrder: 'rgb',
    origin: `the run in ${RUN} (weights)`,
    weightsFrom: 'weights',
    values: Array.from({ length: 8 }, (_, f) => kernel(f / 10, 0.1)),
    bias: Array.from({ length: 8 }, () => 0.01),
    initial: { weightsFrom: 'initial', values: Array.from({ length: 8 }, (_, f) => kernel(f / 10)), bias: Array.from({ length: 8 }, () => 0) },
    png: null,
    ...patch,
  };
}

const grid = (h: number, w: number, at: (r: number, c: number) => number) => Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => at(r, c)));

export function activations(): InsightActivations {
  const stats = (values: number[]) => ({ mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values), zeroFraction: values.filter((v) => v === 0).length / values.length });
  const layer = (id: string, kind: string, c: number, h: number, w: number) => {
    const maps = Array.from({ length: c }, (_, k) => grid(h, w, (r, col) => Math.max(0, ((r + col + k) % 5) - 2)));
    return { layer: id, kind, shape: [c, h, w] as [number, number, number], maps, stats: stats(maps.flat(2)), mapsShown: c };
  };
  return {
    image: 'boot.png',
    preprocessing: PREPROCESSING,
    weightsFrom: 'weights',
    layers: [layer('input', 'Input', 1, 28, 28), layer('conv1', 'Conv2D', 8, 26, 26), layer('pool1', 'MaxPool2D', 8, 13, 13), layer('dense1', 'Dense', 32, 1, 1), layer('output', 'Output', 10, 1, 1)],
    input: INPUT,
  };
}

export function saliency(method: 'gradcam' | 'gradient', className = 'ankle-boot'): InsightSaliency {
  const probabilities = LABELS.map((_, i) => (i === 9 ? 0.91 : 0.01));
  return {
    image: 'boot.png',
    method,
    layer: method === 'gradcam' ? 'conv1' : null,
    className,
    classIndex: LABELS.indexOf(className),
    predicted: 'ankle-boot',
    labels: LABELS,
    probabilities,
    map: grid(28, 28, (r, c) => r * c),
    layerMap: method === 'gradcam' ? grid(26, 26, () => 1) : null,
    channelWeights: method === 'gradcam' ? Array.from({ length: 8 }, () => 0.1) : null,
    weightsFrom: 'weights',
    png: null,
    input: INPUT,
  };
}

export function filterResponses(presets: string[]): InsightFilterResponses {
  return {
    image: 'boot.png',
    preprocessing: PREPROCESSING,
    grey: grid(28, 28, (r) => r / 28),
    handCrafted: presets.map((name) => ({ name, kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], response: grid(28, 28, (r, c) => c - r) })),
    learned: { layer: 'conv1', activation: 'relu', weightsFrom: 'weights', kernels: filterReport().values, responses: Array.from({ length: 8 }, () => grid(26, 26, (r) => r)) },
    png: null,
    input: INPUT,
  };
}
