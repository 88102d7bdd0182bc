import { z } from 'zod';

/**
 * Parameter declarations: each carries both its validation (a zod schema with default and range) and
 * what the inspector needs to draw a typed control. Layer modules declare their parameters with these
 * builders, so no second table of parameters exists anywhere.
 */
interface ParamBase {
  /** Short label for the inspector. */
  label: string;
  /** One or two sentences: meaning, unit, effect. */
  doc: string;
  /** Hidden behind "advanced" in the inspector, like netron's `visible: false`. */
  advanced?: boolean;
}

export interface IntParamSpec extends ParamBase {
  type: 'int';
  default: number;
  min: number;
  max: number;
}
export interface FloatParamSpec extends ParamBase {
  type: 'float';
  default: number;
  min: number;
  max: number;
  /** True when the upper bound itself is not allowed (a dropout rate of 1). */
  maxExclusive?: boolean;
}
export interface BoolParamSpec extends ParamBase {
  type: 'bool';
  default: boolean;
}
export interface EnumParamSpec extends ParamBase {
  type: 'enum';
  options: readonly string[];
  default: string;
}
/** `valid`, `same`, or a number of zeros added on every side. */
export interface PaddingParamSpec extends ParamBase {
  type: 'padding';
  default: Padding;
}
/** Fixed filter values `[filter][channel][row][col]`, or null for learned filters. */
export interface FilterValuesParamSpec extends ParamBase {
  type: 'filterValues';
  default: null;
}
/** One preset name, a list of them (one filter each), or null. */
export interface PresetParamSpec extends ParamBase {
  type: 'preset';
  options: readonly string[];
  default: null;
}
/** An inner graph (custom blocks); edited on the canvas, not in a form. */
export interface SubgraphParamSpec extends ParamBase {
  type: 'subgraph';
  default: null;
}
export interface TextParamSpec extends ParamBase {
  type: 'text';
  default: string;
  maxLength: number;
}

export type ParamSpec =
  | IntParamSpec
  | FloatParamSpec
  | BoolParamSpec
  | EnumParamSpec
  | PaddingParamSpec
  | FilterValuesParamSpec
  | PresetParamSpec
  | SubgraphParamSpec
  | TextParamSpec;

export type Padding = 'valid' | 'same' | number;

/** A parameter declaration: the UI spec plus the zod schema that validates and defaults it. */
export interface ParamDecl<T> {
  spec: ParamSpec;
  schema: z.ZodType<T>;
}

export function int(spec: Omit<IntParamSpec, 'type'>): ParamDecl<number> {
  return {
    spec: { type: 'int', ...spec },
    schema: z
      .number({ error: `must be a whole number from ${spec.min} to ${spec.max}` })
      .int(`must be a whole number from ${spec.min} to ${spec.max}`)
      .min(spec.min, `must be at least ${spec.min}`)
      .max(spec.max, `must be at most ${spec.max}`),
  };
}

export function float(spec: Omit<FloatParamSpec, 'type'>): ParamDecl<number> {
  let schema = z
    .number({ error: `must be a number from ${spec.min} to ${spec.max}` })
    .refine(Number.isFinite, 'must be a finite number')
    .refine((v) => v >= spec.min, `must be at least ${spec.min}`);
  schema = spec.maxExclusive
    ? schema.refine((v) => v < spec.max, `must be less than ${spec.max}`)
    : schema.refine((v) => v <= spec.max, `must be at most ${spec.max}`);
  return { spec: { type: 'float', ...spec }, schema };
}

export function bool(spec: Omit<BoolParamSpec, 'type'>): ParamDecl<boolean> {
  return { spec: { type: 'bool', ...spec }, schema: z.boolean({ error: 'must be true or false' }) };
}

export function oneOf<const O extends readonly [string, ...string[]]>(
  spec: Omit<EnumParamSpec, 'type' | 'options' | 'default'> & { options: O; default: O[number] },
): ParamDecl<O[number]> {
  return {
    spec: { type: 'enum', ...spec },
    schema: z.enum(spec.options, { error: `must be one of ${spec.options.join(', ')}` }) as unknown as z.ZodType<O[number]>,
  };
}

export function padding(spec: Omit<PaddingParamSpec, 'type'>): ParamDecl<Padding> {
  return {
    spec: { type: 'padding', ...spec },
    schema: z.union([z.literal('valid'), z.literal('same'), z.number().int().min(0).max(1024)], {
      error: 'must be "valid", "same" or a whole number of zeros from 0 to 1024',
    }),
  };
}

const FILTER_LIMIT = 4096;
/** `[filter][channel][row][col]` of finite numbers; the shapes are checked against the layer. */
export const filterValuesSchema = z
  .array(z.array(z.array(z.array(z.number().refine(Number.isFinite, 'must be a finite number')).max(64)).max(64)).max(FILTER_LIMIT))
  .max(FILTER_LIMIT)
  .nullable();

export function filterValues(spec: Omit<FilterValuesParamSpec, 'type' | 'default'>): ParamDecl<number[][][][] | null> {
  return { spec: { type: 'filterValues', default: null, ...spec }, schema: filterValuesSchema };
}

export function preset<const O extends readonly [string, ...string[]]>(
  spec: Omit<PresetParamSpec, 'type' | 'default' | 'options'> & { options: O },
): ParamDecl<O[number] | O[number][] | null> {
  const name = z.enum(spec.options, { error: `must be one of ${spec.options.join(', ')}` });
  return {
    spec: { type: 'preset', default: null, ...spec },
    schema: z.union([name, z.array(name).min(1).max(64)]).nullable() as unknown as z.ZodType<O[number] | O[number][] | null>,
  };
}

export function text(spec: Omit<TextParamSpec, 'type'>): ParamDecl<string> {
  return { spec: { type: 'text', ...spec }, schema: z.string().max(spec.maxLength) };
}

export function subgraph<T>(spec: Omit<SubgraphParamSpec, 'type' | 'default'>, schema: z.ZodType<T>): ParamDecl<T> {
  return { spec: { type: 'subgraph', default: null, ...spec }, schema };
}

export type ParamDecls = Record<string, ParamDecl<unknown>>;
export type ParamsOf<D extends ParamDecls> = { [K in keyof D]: D[K] extends ParamDecl<infer T> ? T : never };

/** The zod object for a whole parameter set: every missing parameter takes its default, unknown keys are refused. */
export function paramsSchema<D extends ParamDecls>(decls: D): z.ZodType<ParamsOf<D>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, decl] of Object.entries(decls)) {
    shape[key] = decl.schema.default(decl.spec.default as never) as unknown as z.ZodType;
  }
  return z.strictObject(shape) as unknown as z.ZodType<ParamsOf<D>>;
}

/** The defaults of a parameter set, as a plain object. */
export function defaultParams<D extends ParamDecls>(decls: D): ParamsOf<D> {
  const out: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(decls)) out[key] = structuredClone(decl.spec.default);
  return out as ParamsOf<D>;
}
