import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/shared/errors';
import { LAYER_DECLARATIONS } from '../../../src/shared/layers';
import { defaultParams } from '../../../src/shared/layers/params';
import { parseProject, projectToFile, serializeProject } from '../../../src/shared/project/codec';
import { createProject } from '../../../src/shared/project/project';
import { buildTemplate, TEMPLATES } from '../../../src/shared/templates';

const valid = () => JSON.parse(serializeProject(createProject('demo', buildTemplate('lenet5')))) as Record<string, unknown>;
const load = (value: unknown) => parseProject(typeof value === 'string' ? value : JSON.stringify(value), 'demo.cnnstudio');
const errorOf = (value: unknown): StudioError => {
  try {
    load(value);
  } catch (e) {
    if (e instanceof StudioError) return e;
    throw new Error(`expected a StudioError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected an error');
};

describe('project files', () => {
  it('round_trips_every_template', () => {
    for (const t of TEMPLATES) {
      const project = createProject(t.name, t.build(t.defaults));
      const again = load(serializeProject(project));
      expect(projectToFile(again)).toEqual(projectToFile(project));
    }
  });

  it('round_trips_every_layer_kind_with_default_params', () => {
    const nodes = LAYER_DECLARATIONS.map((d, i) => ({ id: `n${i}`, kind: d.kind, params: defaultParams(d.params) as Record<string, unknown>, position: { x: i * 10, y: i } }));
    const project = { ...createProject('all', { nodes, edges: [] }) };
    expect(load(serializeProject(project)).graph.nodes).toEqual(nodes);
  });

  it('fills_default_settings_and_keeps_the_format_header', () => {
    const raw = valid();
    delete raw.training;
    delete raw.dataset;
    const p = load(raw);
    expect(p.training.epochs).toBe(10);
    expect(p.dataset.normalization).toBe('pixel/255');
    const file = JSON.parse(serializeProject(p));
    expect(file.format).toBe('cnn-studio/project');
    expect(file.version).toBe(1);
  });

  const cases: [name: string, mutate: (raw: Record<string, unknown>) => unknown, message: RegExp][] = [
    ['not_json', () => '{"format": "cnn-studio/project",\n  "nodes": [}', /demo\.cnnstudio is not valid JSON \(line 2, column 13\)/],
    ['empty_file', () => '', /demo\.cnnstudio is not valid JSON/],
    ['not_an_object', () => '[1, 2]', /demo\.cnnstudio is not a JSON object/],
    ['wrong_format', (r) => ({ ...r, format: 'keras' }), /demo\.cnnstudio: format is "keras", not "cnn-studio\/project"\. This is not a CNN Studio project file\./],
    ['newer_version', (r) => ({ ...r, version: 7 }), /was saved by a newer CNN Studio \(file version 7; this one reads up to 1\)/],
    ['bad_version', (r) => ({ ...r, version: 'one' }), /demo\.cnnstudio: version is "one", not a file version/],
    ['missing_nodes', (r) => ({ ...r, nodes: undefined }), /demo\.cnnstudio: nodes /],
    ['bad_param_value', (r) => ({ ...r, nodes: (r.nodes as { params: Record<string, unknown> }[]).map((n, i) => (i === 1 ? { ...n, params: { ...n.params, filters: -3 } } : n)) }), /demo\.cnnstudio: nodes\[1\]\.params \(layer c1\): filters must be at least 1/],
    ['unknown_kind', (r) => ({ ...r, nodes: [...(r.nodes as object[]), { id: 'x', kind: 'Conv3D', params: {} }] }), /nodes\[9\]\.kind is the unknown layer kind "Conv3D"/],
    ['duplicate_id', (r) => ({ ...r, nodes: [...(r.nodes as object[]), { id: 'c1', kind: 'Dense', params: {} }] }), /nodes\[9\]\.id repeats the id "c1"/],
    ['bad_id', (r) => ({ ...r, nodes: [...(r.nodes as object[]), { id: 'my layer', kind: 'Dense', params: {} }] }), /nodes\[9\]\.id must start with a letter/],
    ['edge_to_missing_node', (r) => ({ ...r, edges: [...(r.edges as object[]), { from: 'c1', to: 'ghost' }] }), /edges\[8\]\.to names "ghost", which is not a layer of the project/],
    ['wrong_type_in_settings', (r) => ({ ...r, training: { epochs: 'ten' } }), /demo\.cnnstudio: training\.epochs /],
    ['unknown_key', (r) => ({ ...r, colour: 'blue' }), /has keys this version does not know \(unknown key colour\)/],
    ['nan_position', (r) => ({ ...r, nodes: (r.nodes as object[]).map((n) => ({ ...n, position: { x: Number.POSITIVE_INFINITY, y: 0 } })) }), /nodes\[0\]\.position\.x must be a number, not null/],
    ['deep_nesting', () => `${'['.repeat(100000)}${']'.repeat(100000)}`, /demo\.cnnstudio (is not valid JSON \(nested too deeply\)|is not a JSON object)/],
  ];
  for (const [name, mutate, message] of cases) {
    it(`malformed_${name}_is_a_sentence`, () => {
      const e = errorOf(mutate(valid()));
      expect(e.code).toBe('invalid-project');
      expect(e.sentence).toMatch(message);
      expect(e.sentence).not.toMatch(/\n\s+at /);
    });
  }
});
