import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import * as protobufModule from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/cli';
import { exportModel } from '../../src/main/services/export/export-model';
import { importOnnx } from '../../src/main/services/export/onnx/import/onnx-importer';
import { decodeModelProto } from '../../src/main/services/export/onnx/onnx-proto';
import { defaultAssetResolver } from '../../src/main/services/resources/asset-resolver';
import type { ModelProtoData, NodeProtoData } from '../../src/shared/onnx/model-proto';
import { ATTRIBUTE_TYPES } from '../../src/shared/onnx/model-proto';
import { analyzeGraph } from '../../src/shared/shapes/analyze';
import { removeDir, sampleSubset, tempDir } from '../support/training-fixtures';
import { trainTinyRun } from './support/adversarial-fixtures';
import { countOutcome, examplesText, runCase } from './support/case-outcome';
import { noteExample, tallyOf } from './support/figures';
import type { ByteMutation } from './support/mutations';
import { byteMutation, draw } from './support/mutations';

/**
 * ONNX files damaged at random (issue 15), imported the way `cnn-studio import` and the window's
 * import do: truncated and bit-flipped bytes, and models decoded, changed and encoded again — unknown
 * operators, cycles, missing or repeated values, wrong attribute and tensor types, absurd shapes and
 * numbers, graphs nested in attributes. Each import must work (giving a graph the studio accepts) or
 * end in a StudioError naming the file; `cnn-studio import` must leave no file behind when it fails.
 */

const SEED = 15_003;
const CASES = 3000;
const CASE_TIMEOUT_MS = 5000;
const FIXTURES = resolve(__dirname, '../fixtures/onnx');
const FILE_NAME = 'damaged.onnx';

// protobufjs is CommonJS: Node's ESM loader exposes it only as the default export.
const protobuf = (protobufModule as unknown as { default?: typeof protobufModule }).default ?? protobufModule;
let modelType: protobufModule.Type;
let dir: string;
const bases: { name: string; bytes: Uint8Array; model: ModelProtoData }[] = [];

beforeAll(async () => {
  dir = await tempDir('adv-onnx');
  modelType = protobuf.parse(await readFile(defaultAssetResolver().require('onnxSchema'), 'utf8'), { keepCase: false }).root.lookupType('onnx.ModelProto');
  for (const name of (await readdir(FIXTURES)).filter((f) => f.endsWith('.onnx')).sort()) {
    const bytes = new Uint8Array(await readFile(join(FIXTURES, name)));
    bases.push({ name, bytes, model: decodeModelProto(bytes, name) });
  }
  // The studio's own export of a trained run, batch-norm and metadata included.
  const data = await sampleSubset(['bag', 'trouser'], 8);
  const run = join(dir, 'run');
  await trainTinyRun(run, data, 2, { epochs: 1 });
  await removeDir(data);
  const own = join(dir, 'own.onnx');
  await exportModel({ source: run, format: 'onnx', out: own, producerVersion: 'adversarial' });
  const bytes = new Uint8Array(await readFile(own));
  bases.push({ name: 'studio export', bytes, model: decodeModelProto(bytes, 'own.onnx') });
}, 120_000);
afterAll(() => removeDir(dir));

/** Encodes a (possibly nonsensical) model without the writer's own checks, as any other tool might. */
function encode(model: ModelProtoData): Uint8Array {
  return modelType.encode(modelType.fromObject(model)).finish();
}

interface StructureMutation {
  describe: string;
  apply(model: ModelProtoData): void;
  /** Bytes appended to the encoded model (protobuf merges them into it): what no encoder would write. */
  suffix?: () => Uint8Array;
}

/** A varint's bytes. */
function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    out.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
    rest = Math.floor(rest / 128);
  } while (rest > 0);
  return out;
}

/**
 * `ModelProto.graph.node += [If node whose attribute holds a graph whose node holds ... depth times]`,
 * written by hand (protobufjs refuses to encode more than 100 levels): sizes first, then one pass.
 */
function deeplyNestedNode(depth: number): Uint8Array {
  const name = [0x0a, 0x01, 0x62]; // AttributeProto.name = "b"
  const type = [0xa0, 0x01, 0x05]; // AttributeProto.type = GRAPH
  const opType = [0x22, 0x02, 0x49, 0x66]; // NodeProto.op_type = "If"
  const leaf = [0x12, 0x04, 0x6c, 0x65, 0x61, 0x66]; // GraphProto.name = "leaf"
  const graphs = [leaf.length];
  const attributes: number[] = [];
  const nodes: number[] = [];
  for (let d = 0; d < depth; d++) {
    const attribute = name.length + type.length + 1 + varint(graphs[d]!).length + graphs[d]!;
    const node = opType.length + 1 + varint(attribute).length + attribute;
    attributes.push(attribute);
    nodes.push(node);
    graphs.push(1 + varint(node).length + node);
  }
  const out: number[] = [0x3a, ...varint(graphs[depth]!)]; // ModelProto.graph
  for (let d = depth - 1; d >= 0; d--) {
    out.push(0x0a, ...varint(nodes[d]!), ...opType, 0x2a, ...varint(attributes[d]!), ...name, ...type, 0x32, ...varint(graphs[d]!));
  }
  out.push(...leaf);
  return new Uint8Array(out);
}

/** The tensor type of the model's first input, when it has one. */
function inputTensor(m: ModelProtoData): { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } | undefined {
  return m.graph?.input?.[0]?.type?.tensorType;
}

const huge = fc.constantFrom(0, -1, -7, 2 ** 31, 2 ** 40, 1e15, 65536);

/** Damage at the level of ONNX's structure: nodes, values, attributes, tensors, shapes. */
function structureMutation(model: ModelProtoData): fc.Arbitrary<StructureMutation> {
  const nodes = model.graph?.node ?? [];
  const inits = model.graph?.initializer ?? [];
  const n = fc.nat(Math.max(0, nodes.length - 1));
  // Mutations compose (a node removed, then another changed): indexes wrap around what is left.
  const at = (m: ModelProtoData, i: number): NodeProtoData => {
    const list = ((m.graph ??= {}).node ??= []);
    if (!list.length) list.push({ opType: 'Relu', input: ['x'], output: ['y'] });
    return list[i % list.length]!;
  };
  const initAt = (m: ModelProtoData, i: number) => {
    const list = m.graph?.initializer ?? [];
    return list.length ? list[i % list.length]! : { name: 'none' };
  };
  const nodeName = (i: number) => nodes[i]?.name || `#${i + 1}`;
  const choices: fc.Arbitrary<StructureMutation>[] = [
    fc.tuple(n, fc.constantFrom('FooBar', '', 'If', 'Loop', 'Scan', 'Einsum', 'conv', 'Conv ')).map(([i, op]) => ({ describe: `node ${nodeName(i)} made a ${JSON.stringify(op)}`, apply: (m) => (at(m, i).opType = op) })),
    fc.tuple(n, fc.constantFrom('com.microsoft', 'ai.onnx.ml', 'x')).map(([i, domain]) => ({ describe: `node ${nodeName(i)} in domain ${domain}`, apply: (m) => (at(m, i).domain = domain) })),
    fc.tuple(n, n).map(([i, j]) => ({
      describe: `node ${nodeName(Math.min(i, j))} reads the output of node ${nodeName(Math.max(i, j))} (a cycle)`,
      apply: (m) => {
        const reader = at(m, Math.min(i, j));
        reader.input = [at(m, Math.max(i, j)).output?.[0] ?? 'x', ...(reader.input ?? []).slice(1)];
      },
    })),
    n.map((i) => ({ describe: `node ${nodeName(i)} reads a value nothing makes`, apply: (m) => (at(m, i).input = ['nowhere', ...(at(m, i).input ?? []).slice(1)]) })),
    fc.tuple(n, n).map(([i, j]) => ({ describe: `nodes ${nodeName(i)} and ${nodeName(j)} make the same value`, apply: (m) => (at(m, j).output = [...(at(m, i).output ?? [])]) })),
    n.map((i) => ({ describe: `node ${nodeName(i)} removed`, apply: (m) => m.graph?.node?.splice(i, 1) })),
    n.map((i) => ({ describe: `node ${nodeName(i)} has no inputs`, apply: (m) => (at(m, i).input = []) })),
    fc.tuple(n, fc.nat(20), fc.constantFrom(ATTRIBUTE_TYPES.float, ATTRIBUTE_TYPES.string, ATTRIBUTE_TYPES.ints, ATTRIBUTE_TYPES.tensor, ATTRIBUTE_TYPES.graph, 99)).map(([i, k, type]) => ({
      describe: `an attribute of node ${nodeName(i)} retyped to ${type}`,
      apply: (m) => {
        const attribute = at(m, i).attribute?.[k % Math.max(1, at(m, i).attribute?.length ?? 1)];
        if (attribute) attribute.type = type;
      },
    })),
    fc.tuple(n, fc.constantFrom('kernel_shape', 'strides', 'pads', 'dilations', 'group', 'axis', 'perm', 'alpha', 'transB', 'auto_pad'), huge).map(([i, key, value]) => ({
      describe: `node ${nodeName(i)} ${key} = ${value}`,
      apply: (m) => {
        const node = at(m, i);
        const list = ['kernel_shape', 'strides', 'pads', 'dilations', 'perm'].includes(key);
        node.attribute = [
          ...(node.attribute ?? []).filter((a) => a.name !== key),
          list ? { name: key, type: ATTRIBUTE_TYPES.ints, ints: [value, value, value, value].slice(0, key === 'pads' ? 4 : 2) } : key === 'auto_pad' ? { name: key, type: ATTRIBUTE_TYPES.string, s: new TextEncoder().encode(String(value)) } : { name: key, type: ATTRIBUTE_TYPES.int, i: value },
        ];
      },
    })),
    fc.integer({ min: 100, max: 20_000 }).map((depth) => ({ describe: `a node carrying graphs nested ${depth} deep`, apply: () => undefined, suffix: () => deeplyNestedNode(depth) })),
    fc.tuple(fc.constantFrom(0, 1, 6, 999, -1)).map(([version]) => ({ describe: `opset ${version}`, apply: (m) => (m.opsetImport = [{ domain: '', version }]) })),
    fc.constantFrom(0, 2, 7, 11, 16).map((type) => ({ describe: `the input's element type is ${type}`, apply: (m) => { const t = inputTensor(m); if (t) t.elemType = type; } })),
    fc.array(fc.oneof(huge, fc.constant(-1)), { minLength: 0, maxLength: 6 }).map((dims) => ({
      describe: `the input's shape is [${dims.join(', ')}]`,
      apply: (m) => { const t = inputTensor(m); if (t) t.shape = { dim: dims.map((d) => ({ dimValue: d })) }; },
    })),
    fc.constant<StructureMutation>({ describe: 'the input has a symbolic height', apply: (m) => { const dim = inputTensor(m)?.shape?.dim; if (dim && dim.length > 2) dim[2] = { dimParam: 'height' }; } }),
    fc.constant<StructureMutation>({ describe: 'no graph outputs', apply: (m) => ((m.graph ??= {}).output = []) }),
    fc.constant<StructureMutation>({ describe: 'two graph outputs', apply: (m) => { const first = m.graph?.output?.[0]; const made = m.graph?.node?.[0]?.output?.[0]; if (first && made) m.graph!.output!.push({ ...first, name: made }); } }),
    fc.constant<StructureMutation>({ describe: 'no graph inputs', apply: (m) => ((m.graph ??= {}).input = []) }),
    fc.constant<StructureMutation>({ describe: 'metadata labels and preprocessing damaged', apply: (m) => (m.metadataProps = [{ key: 'labels', value: '{"nope' }, { key: 'preprocessing', value: '[1e400]' }, { key: 'cnn_studio.labels', value: 'x'.repeat(100000) }]) }),
  ];
  if (inits.length) {
    const k = fc.nat(inits.length - 1);
    const initName = (i: number) => inits[i]?.name ?? `#${i}`;
    choices.push(
      k.map((i) => ({ describe: `initializer ${initName(i)} removed`, apply: (m) => m.graph?.initializer?.splice(i, 1) })),
      fc.tuple(k, fc.array(huge, { minLength: 1, maxLength: 5 })).map(([i, dims]) => ({ describe: `initializer ${initName(i)} has dims [${dims.join(', ')}]`, apply: (m) => (initAt(m, i).dims = dims) })),
      fc.tuple(k, fc.constantFrom(0, 2, 3, 5, 8, 9, 10, 12, 14, 16, 99)).map(([i, type]) => ({ describe: `initializer ${initName(i)} has data type ${type}`, apply: (m) => (initAt(m, i).dataType = type) })),
      fc.tuple(k, fc.double({ min: 0, max: 1, noNaN: true })).map(([i, f]) => ({
        describe: `initializer ${initName(i)} cut to ${(f * 100).toFixed(0)}% of its data`,
        apply: (m) => {
          const t = initAt(m, i);
          if (t.rawData) t.rawData = t.rawData.slice(0, Math.floor(t.rawData.length * f));
          else t.floatData = (t.floatData ?? []).slice(0, Math.floor((t.floatData?.length ?? 0) * f));
        },
      })),
      k.map((i) => ({ describe: `initializer ${initName(i)} kept in external data`, apply: (m) => (initAt(m, i).dataLocation = 1) })),
      fc.tuple(k, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1e38)).map(([i, v]) => ({
        describe: `initializer ${initName(i)} holds ${v}`,
        apply: (m) => {
          const t = initAt(m, i);
          if (t.dataType === 1 && t.rawData) t.rawData = new Uint8Array(new Float32Array(t.rawData.byteLength / 4).fill(v).buffer);
        },
      })),
    );
  }
  return fc.oneof(...choices);
}

type OnnxCase = { base: number; kind: 'bytes'; mutation: ByteMutation } | { base: number; kind: 'structure'; mutations: StructureMutation[] };

function onnxCases(): OnnxCase[] {
  const perBase = Math.ceil(CASES / bases.length);
  return bases
    .flatMap((b, index) =>
      draw(
        fc.oneof(
          { weight: 2, arbitrary: byteMutation.map((mutation): OnnxCase => ({ base: index, kind: 'bytes', mutation })) },
          { weight: 3, arbitrary: fc.array(structureMutation(b.model), { minLength: 1, maxLength: 3 }).map((mutations): OnnxCase => ({ base: index, kind: 'structure', mutations })) },
        ),
        perBase,
        SEED + index,
      ),
    )
    .slice(0, CASES);
}

function describeCase(c: OnnxCase): string {
  return `${bases[c.base]!.name}: ${c.kind === 'bytes' ? c.mutation.describe : c.mutations.map((m) => m.describe).join('; ')}`;
}

/** The damaged file's bytes. */
function damaged(c: OnnxCase): Uint8Array {
  const base = bases[c.base]!;
  if (c.kind === 'bytes') return c.mutation.apply(base.bytes);
  const model = structuredClone(base.model);
  for (const m of c.mutations) m.apply(model);
  const bytes = encode(model);
  const suffixes = c.mutations.flatMap((m) => (m.suffix ? [m.suffix()] : []));
  return suffixes.length ? new Uint8Array([...bytes, ...suffixes.flatMap((s) => [...s])]) : bytes;
}

describe('ONNX files mutated at random', () => {
  it('every_import_works_or_ends_in_a_sentence_naming_the_file', async (context) => {
    const tally = tallyOf(context, 'ONNX files');
    const cases = onnxCases();
    let accepted = 0;
    for (const c of cases) {
      if (process.env.ADVERSARIAL_TRACE) process.stderr.write(`${describeCase(c)}\n`);
      const bytes = damaged(c);
      const outcome = await runCase(
        async () => {
          const imported = importOnnx(bytes, FILE_NAME);
          const analysis = analyzeGraph(imported.graph);
          if (!analysis.flat || analysis.issues.some((i) => i.severity === 'error')) throw new Error('the importer returned a graph the studio rejects');
        },
        { timeoutMs: CASE_TIMEOUT_MS, names: (error) => (error.message.includes(FILE_NAME) ? null : `it does not name the file ${FILE_NAME}`) },
      );
      if (outcome.kind === 'accepted') accepted += 1;
      countOutcome(tally, outcome, () => describeCase(c));
    }
    tally.measurements.push(`ONNX files: ${accepted} of ${cases.length} damaged models still imported (harmless damage)`);
    expect(tally.cases).toBe(CASES);
    expect(tally.crashes, examplesText(tally)).toBe(0);
    expect(tally.hangs, examplesText(tally)).toBe(0);
    expect(tally.unclear, examplesText(tally)).toBe(0);
  }, 600_000); // Thousands of cases: minutes on a loaded 2-core machine, seconds on a quiet one.

  it('a_failed_cnn_studio_import_leaves_no_file_behind', async (context) => {
    const tally = tallyOf(context, 'ONNX files');
    const cases = onnxCases().filter((_, i) => i % 25 === 0);
    for (const [i, c] of cases.entries()) {
      const folder = join(dir, `import-${i}`);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(folder);
      await writeFile(join(folder, FILE_NAME), damaged(c));
      let stderr = '';
      const started = performance.now();
      const code = await runCli(['import', FILE_NAME, '--out', 'imported.cnnstudio'], { stdout: { write: () => undefined }, stderr: { write: (t: string) => (stderr += t) }, cwd: folder });
      tally.cases += 1;
      const left = (await readdir(folder)).filter((f) => f !== FILE_NAME).sort();
      const problem =
        performance.now() - started > CASE_TIMEOUT_MS
          ? 'hang'
          : /\n\s+at /.test(stderr) || ![0, 1].includes(code)
            ? 'crash'
            : code === 1 && (!stderr.startsWith('Error: ') || !stderr.includes(FILE_NAME))
              ? 'unclear'
              : null;
      if (problem === 'hang') tally.hangs += 1;
      if (problem === 'crash') tally.crashes += 1;
      if (problem === 'unclear') tally.unclear += 1;
      if (problem) noteExample(tally, `${problem}: import ${describeCase(c)} → exit ${code}: ${stderr.slice(0, 300)}`);
      const expected = code === 0 ? ['imported.cnnstudio', 'imported.weights'] : [];
      if (left.join() !== expected.join()) {
        tally.filesLost += 1;
        noteExample(tally, `import ${describeCase(c)} (exit ${code}) left ${left.join(', ') || 'nothing'}`);
      }
    }
    expect(tally.crashes + tally.hangs + tally.unclear + tally.filesLost, examplesText(tally)).toBe(0);
  });
});
