import { StudioError } from '../errors';
import { locateJsonError } from '../json-error-place';
import { describeIssue } from '../validation-messages';
import { findLayer } from '../layers';
import { parseParams } from '../layers/parse-params';
import type { Project } from './project';
import type { ProjectFile } from './schema';
import { PROJECT_FORMAT, PROJECT_VERSION, projectFileSchema } from './schema';

/**
 * Migrations from older file versions, keyed by the version they upgrade from. Each takes the raw
 * JSON of version N and returns version N + 1. Version 1 is the first, so the list is empty today.
 */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

/** Files larger than this are refused before parsing (a project is kilobytes; weights live in runs). */
export const MAX_PROJECT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a project from its JSON text. Every problem is a StudioError whose message names the file and
 * the JSON path (`nodes[3].params.filters`), never a stack trace.
 */
export function parseProject(text: string, source: string): Project {
  if (text.length > MAX_PROJECT_BYTES) {
    throw new StudioError('invalid-project', `${source} is ${Math.round(text.length / 1e6)} MB, too large to be a project file.`, {
      hint: 'Open the .cnnstudio file, not a dataset or a model.',
      where: source,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StudioError('invalid-project', `${source} is not valid JSON (${jsonErrorPlace(text, e)}).`, {
      hint: 'Restore it from a backup or the recovery file, or fix the JSON by hand.',
      where: source,
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(source, '', 'is not a JSON object');
  }
  const obj = raw as Record<string, unknown>;
  if (obj.format !== PROJECT_FORMAT) {
    throw invalid(source, 'format', `is ${briefValue(obj.format)}, not "${PROJECT_FORMAT}"`, 'This is not a CNN Studio project file.');
  }
  const migrated = migrate(obj, source);
  const parsed = projectFileSchema.safeParse(migrated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? ` (unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')})` : '';
    throw invalid(source, formatPath(issue.path), issue.code === 'unrecognized_keys' ? `has keys this version does not know${keys}` : describeIssue(issue));
  }
  const file = parsed.data;
  const ids = new Set<string>();
  file.nodes.forEach((node, i) => {
    if (ids.has(node.id)) throw invalid(source, `nodes[${i}].id`, `repeats the id "${node.id}"`, 'Give every layer its own id.');
    ids.add(node.id);
    const decl = findLayer(node.kind);
    if (!decl) throw invalid(source, `nodes[${i}].kind`, `is the unknown layer kind "${node.kind}"`, 'It may come from a newer CNN Studio.');
    const params = parseParams(decl, node.params);
    if (!params.ok) throw invalid(source, `nodes[${i}].params`, `(layer ${node.id}): ${params.problems[0]}`);
  });
  file.edges.forEach((edge, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!ids.has(edge[end])) throw invalid(source, `edges[${i}].${end}`, `names "${edge[end]}", which is not a layer of the project`);
    }
  });
  return projectFromFile(file);
}

/** A value as a message shows it: short, and never by walking a structure (a hostile file may nest it thousands deep). */
function briefValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function migrate(obj: Record<string, unknown>, source: string): Record<string, unknown> {
  let version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw invalid(source, 'version', `is ${briefValue(version)}, not a file version`);
  }
  if (version > PROJECT_VERSION) {
    throw new StudioError('invalid-project', `${source} was saved by a newer CNN Studio (file version ${version}; this one reads up to ${PROJECT_VERSION}).`, {
      hint: 'Update CNN Studio to open it.',
      where: source,
    });
  }
  let current = obj;
  while (version < PROJECT_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw invalid(source, 'version', `is ${version}, which this version cannot migrate`);
    current = step(current);
    version += 1;
  }
  return current;
}

function invalid(source: string, path: string, problem: string, hint?: string): StudioError {
  const where = path ? `${source}: ${path}` : source;
  return new StudioError('invalid-project', `${where} ${problem}.`, { hint: hint ?? 'Fix that value, or start again from a template.', where });
}

/** `nodes[3].params.filters` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function jsonErrorPlace(text: string, error: unknown): string {
  if (error instanceof RangeError) return 'nested too deeply';
  return text.trim() === '' ? 'the file is empty' : locateJsonError(text);
}

export function projectFromFile(file: ProjectFile): Project {
  return {
    name: file.name,
    graph: {
      nodes: file.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params, ...(n.position ? { position: n.position } : {}) })),
      edges: file.edges.map((e) => ({ from: e.from, to: e.to })),
    },
    dataset: file.dataset,
    training: file.training,
    initialWeights: file.initialWeights,
    ui: file.ui,
  };
}

export function projectToFile(project: Project): ProjectFile {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: project.name,
    nodes: project.graph.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params, ...(n.position ? { position: n.position } : {}) })),
    edges: project.graph.edges.map((e) => ({ from: e.from, to: e.to })),
    dataset: project.dataset,
    training: project.training,
    initialWeights: project.initialWeights,
    ui: project.ui,
  };
}

/** The project as the JSON text saved to disk (2-space indented, keys in schema order). */
export function serializeProject(project: Project): string {
  return `${JSON.stringify(projectToFile(project), null, 2)}\n`;
}
