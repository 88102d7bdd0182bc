import fc from 'fast-check';

/**
 * Random damage to files, as fast-check arbitraries: JSON-level mutations (a value of the wrong
 * type, a huge number, deep nesting, a missing or unknown key, a repeated or emptied list) and
 * byte-level ones (truncated, bit-flipped, spliced, re-encoded). Each mutation carries a short
 * description, printed when a case fails.
 */

export type JsonPath = (string | number)[];

/** A value put into a JSON document: plain JSON, or raw text JSON.stringify cannot produce (1e400, 100,000-deep nesting). */
export type HostileValue = { json: unknown; label: string } | { raw: string; label: string };

export interface JsonMutation {
  describe: string;
  /** The damaged document as text. */
  apply(base: unknown): string;
  /** The JSON path the mutation touched (for messages that should name it), or null. */
  path: JsonPath | null;
}

export interface ByteMutation {
  describe: string;
  apply(base: Uint8Array): Uint8Array;
}

const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** Values of the wrong type, out of range, enormous or nested without end. */
export const hostileValue: fc.Arbitrary<HostileValue> = fc.oneof(
  fc.constantFrom<HostileValue>(
    { json: null, label: 'null' },
    { json: true, label: 'true' },
    { json: 0, label: '0' },
    { json: -1, label: '-1' },
    { json: 0.5, label: '0.5' },
    { json: '', label: '""' },
    { json: 'x', label: '"x"' },
    { json: [], label: '[]' },
    { json: {}, label: '{}' },
    { json: [1, 2, 3], label: '[1,2,3]' },
    { json: { kind: 'Conv2D' }, label: '{"kind":"Conv2D"}' },
  ),
  fc.constantFrom<HostileValue>(
    { json: 1e308, label: '1e308' },
    { json: -1e308, label: '-1e308' },
    { json: 2 ** 53 + 2, label: '2^53+2' },
    { json: 2 ** 31, label: '2^31' },
    { json: 4294967296, label: '2^32' },
    { json: 5e-324, label: '5e-324' },
    { raw: '1e400', label: '1e400 (Infinity)' },
    { raw: '-1e400', label: '-1e400' },
    { raw: '123456789012345678901234567890', label: 'a 30-digit integer' },
  ),
  fc.constantFrom<HostileValue>(
    { raw: deepArray(200), label: 'arrays nested 200 deep' },
    { raw: deepArray(20000), label: 'arrays nested 20,000 deep' },
    { raw: deepObject(5000), label: 'objects nested 5,000 deep' },
    { raw: `[${'0,'.repeat(99999)}0]`, label: 'a list of 100,000 numbers' },
    { json: 'A'.repeat(300_000), label: 'a 300,000-character string' },
    { json: '\u0000\u0007', label: 'control characters' },
    { raw: '"\\ud800"', label: 'a lone surrogate' },
    { json: '../../../../etc/passwd', label: 'a path that climbs out' },
    { json: '<img src=x onerror=alert(1)>', label: 'markup' },
    { json: '__proto__', label: '"__proto__"' },
  ),
  fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json, label: `random JSON ${JSON.stringify(json).slice(0, 60)}` })),
);

/** Every path in a JSON document, the root first. */
export function jsonPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

/** `nodes[3].params.filters`. */
export function pathText(path: JsonPath): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '') || '(root)';
}

const PLACEHOLDER = '\u0001hostile\u0001';

/** Serialises `root` with `value` at `path` (raw text spliced in where needed). */
function withValue(base: unknown, path: JsonPath, value: HostileValue): string {
  const root = structuredClone(base);
  const put = 'json' in value ? value.json : PLACEHOLDER;
  if (path.length === 0) return 'json' in value ? JSON.stringify(put) : value.raw;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
  parent[path.at(-1)!] = put;
  const text = JSON.stringify(root, null, 1);
  return 'raw' in value ? text.replace(JSON.stringify(PLACEHOLDER), value.raw) : text;
}

function edit(base: unknown, path: JsonPath, change: (parent: Record<string | number, unknown> | unknown[], key: string | number) => void): string {
  const root = structuredClone(base);
  if (path.length === 0) return JSON.stringify(root);
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
  change(parent, path.at(-1)!);
  return JSON.stringify(root, null, 1);
}

const KEY_PLACEHOLDER = '\u0001key\u0001';

/** JSON-level damage to `base`: a value replaced, a key removed or added, a list item repeated. */
export function jsonMutation(base: unknown): fc.Arbitrary<JsonMutation> {
  const paths = jsonPaths(base);
  const valueAt = (path: JsonPath) => path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], base);
  const objects = paths.filter((p) => {
    const v = valueAt(p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  const inner = paths.filter((p) => p.length > 0);
  const items = paths.filter((p) => typeof p.at(-1) === 'number');
  const pick = (list: JsonPath[]) => fc.nat(list.length - 1).map((i) => list[i]!);
  const choices: fc.WeightedArbitrary<JsonMutation>[] = [
    { weight: 5, arbitrary: fc.tuple(pick(paths), hostileValue).map(([path, value]): JsonMutation => ({ describe: `${pathText(path)} = ${value.label}`, path, apply: (b) => withValue(b, path, value) })) },
  ];
  if (inner.length) {
    choices.push({
      weight: 2,
      arbitrary: pick(inner).map((path): JsonMutation => ({
        describe: `${pathText(path)} removed`,
        path,
        apply: (b) =>
          edit(b, path, (parent, key) => {
            if (Array.isArray(parent)) parent.splice(Number(key), 1);
            else delete parent[key];
          }),
      })),
    });
  }
  if (objects.length) {
    choices.push({
      weight: 1,
      arbitrary: fc.tuple(pick(objects), fc.constantFrom('extra', 'constructor', '__proto__', 'kind', 'é'), hostileValue).map(([path, key, value]): JsonMutation => ({
        describe: `unknown key ${key} = ${value.label} added at ${pathText(path)}`,
        path: [...path, key],
        apply: (b) => withValue(b, [...path, KEY_PLACEHOLDER], value).replace(JSON.stringify(KEY_PLACEHOLDER), JSON.stringify(key)),
      })),
    });
  }
  if (items.length) {
    choices.push({
      weight: 1,
      arbitrary: pick(items).map((path): JsonMutation => ({
        describe: `${pathText(path)} repeated`,
        path,
        apply: (b) => edit(b, path, (parent, key) => (parent as unknown[]).splice(Number(key), 0, structuredClone((parent as unknown[])[Number(key)]))),
      })),
    });
  }
  return fc.oneof(...choices);
}

/** Byte-level damage: truncation, bit flips, spliced garbage, re-encoding. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f): ByteMutation => ({ describe: `truncated to ${(f * 100).toFixed(1)}%`, apply: (b) => b.slice(0, Math.floor(b.length * f)) })),
  fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 16 }).map(
    (flips): ByteMutation => ({
      describe: `${flips.length} bit(s) flipped`,
      apply: (b) => {
        const out = b.slice();
        for (const [f, bit] of flips) if (out.length) out[Math.floor(f * out.length)]! ^= 1 << bit;
        return out;
      },
    }),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(
    ([f, junk]): ByteMutation => ({
      describe: `${junk.length} random byte(s) inserted at ${(f * 100).toFixed(1)}%`,
      apply: (b) => {
        const at = Math.floor(f * b.length);
        const out = new Uint8Array(b.length + junk.length);
        out.set(b.subarray(0, at));
        out.set(junk, at);
        out.set(b.subarray(at), at + junk.length);
        return out;
      },
    }),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 256 })).map(
    ([f, junk]): ByteMutation => ({
      describe: `${junk.length} byte(s) overwritten at ${(f * 100).toFixed(1)}%`,
      apply: (b) => {
        const out = b.slice();
        out.set(junk.subarray(0, Math.max(0, out.length - Math.floor(f * out.length))), Math.floor(f * out.length));
        return out;
      },
    }),
  ),
  fc.constantFrom<ByteMutation>(
    { describe: 'emptied', apply: () => new Uint8Array(0) },
    { describe: 'a UTF-8 byte-order mark prepended', apply: (b) => new Uint8Array([0xef, 0xbb, 0xbf, ...b]) },
    { describe: 're-encoded as UTF-16', apply: (b) => new Uint8Array(Buffer.from(Buffer.from(b).toString('latin1'), 'utf16le')) },
    { describe: 'invalid UTF-8 prepended', apply: (b) => new Uint8Array([0xc3, 0x28, 0xff, ...b]) },
    { describe: 'replaced by a PNG header', apply: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) },
    { describe: 'doubled', apply: (b) => new Uint8Array([...b, ...b]) },
  ),
);

/** Fixed draws from an arbitrary: the same `count` values for the same seed, every run. */
export function draw<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}
