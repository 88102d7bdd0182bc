import type { LayerDeclaration } from '../../../shared/layers';
import type { ParamSpec } from '../../../shared/layers/params';
import { parseParams } from '../../../shared/layers/parse-params';
import { describeIssue } from '../../../shared/validation-messages';

/**
 * Why `value` cannot be the parameter `key` of this kind, as the declaration's own zod message
 * ("must be at least 1"), or null when it can.
 */
export function paramValueProblem(decl: LayerDeclaration, key: string, value: unknown): string | null {
  const param = decl.params[key];
  if (!param) return `${decl.label} has no parameter "${key}".`;
  const result = param.schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return issue ? describeIssue(issue) : 'is not allowed';
}

/**
 * Text typed into a number field, as the value to validate: a number when it reads as one, else the
 * text itself, so the parameter's schema words the complaint.
 */
export function numberFromText(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const value = Number(trimmed);
  return Number.isNaN(value) ? trimmed : value;
}

/** A node's parameters with every default filled in, or its raw parameters when they do not validate. */
export function effectiveParams(decl: LayerDeclaration, params: Record<string, unknown>): Record<string, unknown> {
  const parsed = parseParams(decl, params);
  if (parsed.ok) return parsed.value;
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(decl.params)) out[key] = key in params ? params[key] : p.spec.default;
  return out;
}

/** The step of a number field: whole numbers for int, free for float. */
export function numberStep(spec: ParamSpec): string {
  return spec.type === 'int' ? '1' : 'any';
}

/** The key parameters of a node in a few characters, or '' when its parameters do not validate. */
export function summarizeParams(decl: LayerDeclaration, params: Record<string, unknown>): string {
  const parsed = parseParams(decl, params);
  return parsed.ok ? decl.summarize(parsed.value as never) : '';
}

/** PyTorch's defaults: leaky-relu's slope 0.01, elu's scale 1. */
const ACTIVATION_ALPHA = { 'leaky-relu': 0.01, elu: 1 } as const;

/**
 * Parameters that should follow a change: the Activation layer's single `alpha` means leaky-relu's
 * slope or elu's scale, so switching between them moves an untouched default to the other's default.
 */
export function companionParams(kind: string, key: string, value: unknown, params: Record<string, unknown>): Record<string, unknown> {
  if (kind !== 'Activation' || key !== 'activation' || !(value === 'elu' || value === 'leaky-relu')) return {};
  const other = value === 'elu' ? ACTIVATION_ALPHA['leaky-relu'] : ACTIVATION_ALPHA.elu;
  const alpha = params.alpha ?? ACTIVATION_ALPHA['leaky-relu'];
  return alpha === other ? { alpha: ACTIVATION_ALPHA[value] } : {};
}
