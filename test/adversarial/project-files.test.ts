import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/cli';
import { readProjectFile } from '../../src/main/services/project/project-files';
import { StudioError } from '../../src/shared/errors';
import { withLayout } from '../../src/shared/graph/layout';
import { parseProject, projectToFile, serializeProject } from '../../src/shared/project/codec';
import { createProject } from '../../src/shared/project/project';
import type { ProjectFile } from '../../src/shared/project/schema';
import { inspectGraph } from '../../src/shared/shapes/report';
import { buildTemplate } from '../../src/shared/templates';
import { removeDir, tempDir } from '../support/training-fixtures';
import { countOutcome, examplesText, runCase, sentenceProblem } from './support/case-outcome';
import { noteExample, tallyOf } from './support/figures';
import type { ByteMutation, JsonMutation } from './support/mutations';
import { byteMutation, draw, jsonMutation } from './support/mutations';

/**
 * Project files damaged at random (issue 15): each case is a `.cnnstudio` file opened the way
 * `cnn-studio inspect` and the window open one. It must open, or end in a StudioError naming the
 * file (and the JSON path or the layer at fault); a project that opens with graph errors must name
 * the layer of each. Fixed seed; every case has a time limit.
 */

const SEED = 15_001;
const CASES = 3000;
const CASE_TIMEOUT_MS = 5000;
const SAMPLE_PROJECT = resolve(__dirname, '../../resources/samples/lenet5-fashion.cnnstudio');

let dir: string;
const bases: { name: string; file: ProjectFile }[] = [];

beforeAll(async () => {
  dir = await tempDir('adv-project');
  bases.push({ name: 'sample', file: JSON.parse(await readFile(SAMPLE_PROJECT, 'utf8')) as ProjectFile });
  for (const template of ['lenet5', 'resnet-small', 'googlenet-small']) {
    bases.push({ name: template, file: projectToFile(createProject(template, withLayout(buildTemplate(template)))) });
  }
});
afterAll(() => removeDir(dir));

/** Damage that only makes sense for a project: graph-level trouble the schema cannot see. */
function projectMutation(base: ProjectFile): fc.Arbitrary<JsonMutation> {
  const n = base.nodes.length;
  const node = fc.nat(n - 1);
  const change = (describe: string, path: (string | number)[], edit: (file: ProjectFile) => void): JsonMutation => ({
    describe,
    path,
    apply: (b) => {
      const file = structuredClone(b) as ProjectFile;
      edit(file);
      return JSON.stringify(file);
    },
  });
  const nestedGroups = (depth: number): Record<string, unknown> => {
    let graph: Record<string, unknown> = { nodes: [{ id: 'relu', kind: 'Activation', params: {} }], edges: [{ from: '$input', to: 'relu' }], output: 'relu' };
    for (let i = 0; i < depth; i++) graph = { nodes: [{ id: `g${i}`, kind: 'Group', params: { name: `G${i}`, graph } }], edges: [{ from: '$input', to: `g${i}` }], output: `g${i}` };
    return graph;
  };
  return fc.oneof(
    fc.tuple(node, fc.string({ maxLength: 70 })).map(([i, kind]) => change(`nodes[${i}].kind = unknown kind ${JSON.stringify(kind)}`, ['nodes', i, 'kind'], (f) => (f.nodes[i]!.kind = kind))),
    fc.tuple(node, node).map(([i, j]) =>
      change(`an edge ${base.nodes[Math.max(i, j)]!.id} → ${base.nodes[Math.min(i, j)]!.id} (a cycle)`, ['edges'], (f) => f.edges.push({ from: f.nodes[Math.max(i, j)]!.id, to: f.nodes[Math.min(i, j)]!.id })),
    ),
    fc.tuple(node, node).map(([i, j]) => change(`nodes[${j}].id repeats nodes[${i}].id`, ['nodes', j, 'id'], (f) => (f.nodes[j]!.id = f.nodes[i]!.id))),
    fc.tuple(node, fc.string({ minLength: 1, maxLength: 10 })).map(([i, id]) => change(`an edge from ${base.nodes[i]!.id} to a missing layer`, ['edges'], (f) => f.edges.push({ from: f.nodes[i]!.id, to: `missing-${id}` }))),
    fc.tuple(node, fc.constantFrom('filters', 'units', 'kernelSize', 'strides', 'poolSize', 'rate', 'height', 'classes'), fc.constantFrom(0, -3, 1e9, 2 ** 31, 0.5, 1e308)).map(([i, key, value]) =>
      change(`nodes[${i}].params.${key} = ${value}`, ['nodes', i, 'params', key], (f) => (f.nodes[i]!.params[key] = value)),
    ),
    fc.integer({ min: 2, max: 40 }).map((depth) =>
      change(`a Group block nested ${depth} deep`, ['nodes'], (f) => {
        f.nodes.push({ id: 'nested', kind: 'Group', params: { name: 'Nested', graph: nestedGroups(depth) } });
        f.edges.push({ from: f.nodes[0]!.id, to: 'nested' });
      }),
    ),
    fc.integer({ min: 1, max: 3 }).map((k) => change(`${k} extra Input layer(s)`, ['nodes'], (f) => {
      for (let i = 0; i < k; i++) f.nodes.push({ id: `input${i + 9}`, kind: 'Input', params: {} });
    })),
    fc.constant(change('every edge removed', ['edges'], (f) => (f.edges = []))),
    fc.constant(change('40,000 edges', ['edges'], (f) => (f.edges = Array.from({ length: 40_000 }, (_, i) => ({ from: f.nodes[i % f.nodes.length]!.id, to: f.nodes[(i + 1) % f.nodes.length]!.id }))))),
  );
}

type ProjectCase = { base: number; kind: 'json'; mutation: JsonMutation } | { base: number; kind: 'bytes'; mutation: ByteMutation };

function projectCases(): ProjectCase[] {
  const perBase = Math.ceil(CASES / bases.length);
  return bases.flatMap((b, index) =>
    draw(
      fc.oneof(
        { weight: 4, arbitrary: jsonMutation(b.file).map((mutation): ProjectCase => ({ base: index, kind: 'json', mutation })) },
        { weight: 3, arbitrary: projectMutation(b.file).map((mutation): ProjectCase => ({ base: index, kind: 'json', mutation })) },
        { weight: 3, arbitrary: byteMutation.map((mutation): ProjectCase => ({ base: index, kind: 'bytes', mutation })) },
      ),
      perBase,
      SEED + index,
    ),
  ).slice(0, CASES);
}

/** The bytes of the damaged file. */
function damaged(c: ProjectCase): Uint8Array {
  const base = bases[c.base]!.file;
  if (c.kind === 'json') return new TextEncoder().encode(c.mutation.apply(base));
  return c.mutation.apply(new TextEncoder().encode(JSON.stringify(base, null, 2)));
}

/** What opening a project does in the CLI and the window: read, validate, analyse; then save it back and read it again. */
async function openProject(file: string): Promise<void> {
  const project = await readProjectFile(file);
  const report = inspectGraph(project.graph);
  for (const issue of report.errors) {
    // Each graph error is shown as a sentence; one about a layer names it.
    const error = new StudioError('invalid-graph', issue.message, { where: issue.node ?? file });
    const why = sentenceProblem(error);
    if (why) throw error;
  }
  // A project the studio opens is one it can save and open again.
  parseProject(serializeProject(project), `${file} (saved again)`);
}

describe('project files mutated at random', () => {
  it('every_case_opens_or_ends_in_a_sentence_naming_the_file', async (context) => {
    const tally = tallyOf(context, 'Project files');
    const cases = projectCases();
    let accepted = 0;
    for (const [i, c] of cases.entries()) {
      const file = join(dir, `case-${i}.cnnstudio`);
      await writeFile(file, damaged(c));
      const outcome = await runCase(() => openProject(file), {
        timeoutMs: CASE_TIMEOUT_MS,
        names: (error) => (error.message.includes(file) || error.where === file || error.where?.startsWith(`${file}:`) ? null : `it does not name the file ${file}`),
      });
      if (outcome.kind === 'accepted') accepted += 1;
      countOutcome(tally, outcome, () => `${bases[c.base]!.name}: ${c.mutation.describe}`);
    }
    tally.measurements.push(`project files: ${accepted} of ${cases.length} damaged files still opened (harmless damage), the rest were refused with a sentence`);
    expect(tally.cases).toBe(CASES);
    expect(tally.crashes, examplesText(tally)).toBe(0);
    expect(tally.hangs, examplesText(tally)).toBe(0);
    expect(tally.unclear, examplesText(tally)).toBe(0);
  }, 600_000); // Thousands of cases: minutes on a loaded 2-core machine, seconds on a quiet one.

  it('the_cli_shows_a_sentence_and_never_a_stack_trace', async (context) => {
    // A sample of the same cases through `cnn-studio inspect` itself: what a person actually reads.
    const tally = tallyOf(context, 'Project files');
    const cases = projectCases().filter((_, i) => i % 20 === 0);
    for (const [i, c] of cases.entries()) {
      const file = join(dir, `cli-${i}.cnnstudio`);
      await writeFile(file, damaged(c));
      let stdout = '';
      let stderr = '';
      const started = performance.now();
      const code = await runCli(['inspect', file], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: dir });
      tally.cases += 1;
      const problem =
        performance.now() - started > CASE_TIMEOUT_MS
          ? 'hang'
          : code === 1 && (!/^Error: .+[.!?)"]\n$/s.test(stderr) || !stderr.includes(file))
            ? 'unclear'
            : /\n\s+at /.test(stderr + stdout) || code === null || ![0, 1, 2].includes(code)
              ? 'crash'
              : null;
      if (problem === 'hang') tally.hangs += 1;
      if (problem === 'unclear') tally.unclear += 1;
      if (problem === 'crash') tally.crashes += 1;
      if (problem) noteExample(tally, `${problem}: inspect ${bases[c.base]!.name} with ${c.mutation.describe} → exit ${code}: ${stderr.slice(0, 300)}`);
    }
    expect(tally.crashes + tally.hangs + tally.unclear, examplesText(tally)).toBe(0);
  });
});
