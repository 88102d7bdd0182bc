import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPytorchPackage, readPythonSources } from '../../../../../src/main/services/export/pytorch';
import { readWeightsFolder } from '../../../../../src/main/services/runs/weights-folder';
import type { ModelGraph } from '../../../../../src/shared/graph/model-graph';
import { presetFilterValues } from '../../../../../src/shared/layers/filter-presets';
import { createProject } from '../../../../../src/shared/project/project';
import { analyzeGraph } from '../../../../../src/shared/shapes/analyze';
import { TEMPLATES, buildTemplate } from '../../../../../src/shared/templates';
import { removeDir, tempDir } from '../../../../support/training-fixtures';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, toNchw, useWasm } from '../support/parity';
import { everyKindGraph, fixedFilterGraph } from './support/kind-graphs';
import type { PythonRun } from './support/torch-python';
import { runPython, torchPythonForTests } from './support/torch-python';

/**
 * Issue 9's parity test: the generated model.py, given the TF.js model's weights, returns what the
 * TF.js model returns on the same images (max abs difference ≤ 1e-4), for every template at a small
 * input and for a graph with every kind and every padding path. All cases are prepared first and run
 * in one Python process (importing torch costs seconds).
 */
const TOLERANCE = 1e-4;
const CLASSES = 5;
const EVALUATOR = join(__dirname, 'support', 'evaluate_models.py');
/** Networks up to this many weights are also converted back to the studio's format and compared. */
const ROUND_TRIP_LIMIT = 3_000_000;

/** The smallest inputs the templates take (AlexNet's 11x11/4 stem needs more than 32 pixels). */
function inputFor(name: string): { height: number; width: number; channels: number } {
  if (name === 'lenet5') return { height: 32, width: 32, channels: 1 };
  if (name === 'alexnet') return { height: 67, width: 67, channels: 3 };
  return { height: 32, width: 32, channels: 3 };
}

interface Case {
  name: string;
  graph: ModelGraph;
  dir: string;
  expected: Float32Array;
  weights: Record<string, Record<string, { shape: number[]; values: Float32Array }>>;
}

const CASES: { name: string; graph: () => ModelGraph }[] = [
  ...TEMPLATES.map((t) => ({ name: t.name, graph: () => buildTemplate(t.name, { input: inputFor(t.name), classes: CLASSES }) })),
  { name: 'every-kind', graph: everyKindGraph },
  { name: 'fixed-filters', graph: fixedFilterGraph },
];

let root: string;
let reason = '';
let run: PythonRun | null = null;
const prepared = new Map<string, Case>();

beforeAll(async () => {
  const { python, reason: why } = await torchPythonForTests();
  if (!python) {
    reason = why;
    console.warn(`PyTorch parity tests skipped: ${why}`);
    return;
  }
  await useWasm();
  root = await tempDir('pytorch-parity');
  const pythonSources = await readPythonSources();
  for (const { name, graph: make } of CASES) {
    const graph = make();
    const flat = flatOf(graph);
    const compiled = compileWith(flat);
    // Weights as training leaves them: moved away from the initialisation, BatchNorm statistics non-trivial.
    const weights = perturbWeights(modelWeights(compiled));
    const { writeWeights } = await import('../../../../../src/main/services/engine');
    writeWeights(compiled, weights);
    const batch = imageBatch(flat, 3);
    const expected = predictTf(compiled.model, batch);
    compiled.model.dispose();
    const dir = join(root, name);
    const files = buildPytorchPackage({
      flat,
      project: createProject(name, graph),
      projectPath: null,
      source: { kind: 'project', path: name },
      weights,
      labels: null,
      preprocessing: null,
      producerVersion: 'test',
      pythonSources,
    });
    for (const file of files) {
      await mkdir(join(dir, file.name, '..'), { recursive: true });
      await writeFile(join(dir, file.name), file.data);
    }
    const [n, h, w, c] = batch.dims;
    await writeFile(join(dir, 'input.bin'), Buffer.from(toNchw(batch.nhwc, batch.dims).buffer));
    await writeFile(join(dir, 'input.json'), JSON.stringify({ shape: [n, c, h, w] }));
    // The layout conversions are the same code for every size: the big networks skip the round trip's I/O.
    if (analyzeGraph(graph).totals.total <= ROUND_TRIP_LIMIT) await writeFile(join(dir, 'round-trip.request'), '');
    prepared.set(name, { name, graph, dir, expected, weights });
  }
  run = await runPython(python, [EVALUATOR, ...[...prepared.values()].map((c) => c.dir)]);
  if (run.code !== 0) throw new Error(`the evaluator failed:\n${run.stderr}`);
}, 600_000);

afterAll(async () => {
  if (root) await removeDir(root);
});

async function result(name: string): Promise<{ output: Float32Array; trainable: number; nonTrainable: number; fixed: Record<string, number[][][][]> }> {
  const dir = prepared.get(name)!.dir;
  const bytes = await readFile(join(dir, 'output.bin'));
  const json = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
  return { output: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), ...json };
}

describe('generated model.py equals the TF.js model', () => {
  for (const { name } of CASES) {
    it(`${name}_outputs_and_parameter_counts`, async (ctx) => {
      if (!run) ctx.skip(reason);
      const c = prepared.get(name)!;
      const r = await result(name);
      expect(r.output.length).toBe(c.expected.length);
      expect(maxAbsDiff(r.output, c.expected)).toBeLessThanOrEqual(TOLERANCE);
      // The parameter counts of the PyTorch module are cnn-studio inspect's.
      const totals = analyzeGraph(c.graph).totals;
      expect({ trainable: r.trainable, nonTrainable: r.nonTrainable }).toEqual({ trainable: totals.trainable, nonTrainable: totals.nonTrainable });
      // studio → PyTorch → studio gives the same tensors back (the layout conversions are inverse).
      if (totals.total > ROUND_TRIP_LIMIT) return;
      const back = await readWeightsFolder(join(c.dir, 'round-trip'));
      expect(Object.keys(back).sort()).toEqual(Object.keys(c.weights).sort());
      for (const [id, roles] of Object.entries(c.weights)) {
        for (const [role, tensor] of Object.entries(roles)) {
          const other = back[id]![role as keyof (typeof back)[string]]!;
          expect(other.shape, `${id}/${role}`).toEqual(tensor.shape);
          expect(maxAbsDiff(other.values, tensor.values), `${id}/${role}`).toBe(0);
        }
      }
    });
  }

  it('fixed_filters_start_as_the_studio_sets_them', async (ctx) => {
    if (!run) ctx.skip(reason);
    const r = await result('fixed-filters');
    // FIXED_FILTERS holds the presets as [filter][channel][row][col], PyTorch's OIHW: the studio's values.
    const close = (a: number[][][][]) => a.flat(3).map((v) => Math.fround(v));
    expect(close(r.fixed.edges!)).toEqual(close(presetFilterValues(['sobel-vertical', 'sobel-horizontal'], 3)));
    expect(close(r.fixed.lambda_!)).toEqual(close([[[[0.5]], [[-1]]]]));
  });
});
