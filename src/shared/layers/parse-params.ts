import type { z } from 'zod';
import { describeIssue } from '../validation-messages';
import { paramsSchema } from './params';
import type { LayerDeclaration } from './types';

const schemas = new WeakMap<LayerDeclaration, z.ZodType<Record<string, unknown>>>();

export type ParamsParse = { ok: true; value: Record<string, unknown> } | { ok: false; problems: string[] };

/**
 * Validates a node's parameters against its kind and fills in defaults. Problems are sentences naming
 * the parameter ("filters must be at least 1").
 */
export function parseParams(decl: LayerDeclaration, params: unknown): ParamsParse {
  let schema = schemas.get(decl);
  if (!schema) {
    schema = paramsSchema(decl.params) as z.ZodType<Record<string, unknown>>;
    schemas.set(decl, schema);
  }
  const result = schema.safeParse(params ?? {});
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') return `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      return path ? `${path} ${describeIssue(issue)}` : describeIssue(issue);
    }),
  };
}
