import { z } from 'zod';
import type { Preprocessing } from '../project/preprocessing';
import { RESIZE_MODES, preprocessingSchema } from '../project/preprocessing';
import type { InputLayout } from './opsets';

/**
 * The `metadata_props` keys of an exported model: what a deployer needs to feed it exactly as the
 * studio did. `normalization` means x = (pixel·scale − mean[c]) / std[c] per channel, channels in
 * RGB order unless it says `"channel_order": "bgr"`.
 */
export const ONNX_METADATA_KEYS = {
  labels: 'labels',
  inputLayout: 'input_layout',
  inputSize: 'input_size',
  normalization: 'normalization',
  resize: 'resize',
  /** `probabilities` (softmax kept) or `logits`. */
  output: 'output',
} as const;

export interface MetadataSource {
  /** Class names in output order; omitted when unknown (an untrained project). */
  labels?: readonly string[] | undefined;
  /** The exact preprocessing; omitted when unknown. */
  preprocessing?: Preprocessing | undefined;
  layout: InputLayout;
  input: { height: number; width: number; channels: number };
  logits: boolean;
}

/** The metadata entries of an export, in a stable order. */
export function buildOnnxMetadata(source: MetadataSource): { key: string; value: string }[] {
  const entries: { key: string; value: string }[] = [];
  if (source.labels) entries.push({ key: ONNX_METADATA_KEYS.labels, value: JSON.stringify(source.labels) });
  entries.push({ key: ONNX_METADATA_KEYS.inputLayout, value: source.layout.toUpperCase() });
  entries.push({ key: ONNX_METADATA_KEYS.inputSize, value: `${source.input.height}x${source.input.width}x${source.input.channels}` });
  const p = source.preprocessing;
  if (p) {
    const normalization: Record<string, unknown> = { scale: p.scale, mean: p.mean, std: p.std };
    if (p.channelOrder === 'bgr') normalization.channel_order = 'bgr';
    entries.push({ key: ONNX_METADATA_KEYS.normalization, value: JSON.stringify(normalization) });
    entries.push({ key: ONNX_METADATA_KEYS.resize, value: p.resize });
  }
  entries.push({ key: ONNX_METADATA_KEYS.output, value: source.logits ? 'logits' : 'probabilities' });
  return entries;
}

/** What an imported model's metadata says, with a sentence for each entry that could not be used. */
export interface ModelMetadata {
  labels?: string[];
  preprocessing?: Preprocessing;
  inputLayout?: InputLayout;
  output?: 'probabilities' | 'logits';
  warnings: string[];
}

const labelsSchema = z.array(z.string().min(1).max(500)).min(1).max(100000);
const normalizationSchema = z.object({
  scale: z.number().positive().finite(),
  mean: z.array(z.number().finite()).min(1).max(3),
  std: z.array(z.number().positive().finite()).min(1).max(3),
  channel_order: z.enum(['rgb', 'bgr']).optional(),
});

/**
 * Reads the studio's metadata keys from a model's `metadata_props` (other producers' keys are ignored).
 * Bad entries become warnings naming `fileName` and the key, never errors: the network itself is still usable.
 */
export function readOnnxMetadata(props: Readonly<Record<string, string>>, fileName: string): ModelMetadata {
  const out: ModelMetadata = { warnings: [] };
  const bad = (key: string, why: string) => out.warnings.push(`${fileName}: the metadata entry "${key}" ${why}, so it is ignored.`);
  const INVALID = Symbol('invalid JSON');
  const json = (key: string): unknown => {
    try {
      return JSON.parse(props[key]!);
    } catch {
      bad(key, 'is not valid JSON');
      return INVALID;
    }
  };
  if (props[ONNX_METADATA_KEYS.labels] !== undefined) {
    const value = json(ONNX_METADATA_KEYS.labels);
    const parsed = labelsSchema.safeParse(value);
    if (parsed.success) out.labels = parsed.data;
    else if (value !== INVALID) bad(ONNX_METADATA_KEYS.labels, 'is not a list of class names');
  }
  const layout = props[ONNX_METADATA_KEYS.inputLayout]?.toLowerCase();
  if (layout === 'nchw' || layout === 'nhwc') out.inputLayout = layout;
  const output = props[ONNX_METADATA_KEYS.output];
  if (output === 'probabilities' || output === 'logits') out.output = output;
  const sizeText = props[ONNX_METADATA_KEYS.inputSize];
  const normText = props[ONNX_METADATA_KEYS.normalization];
  if (normText !== undefined) {
    const size = /^(\d+)x(\d+)x(\d+)$/.exec(sizeText ?? '');
    const normValue = json(ONNX_METADATA_KEYS.normalization);
    const norm = normalizationSchema.safeParse(normValue);
    const resizeText = props[ONNX_METADATA_KEYS.resize] ?? 'stretch';
    const resize = (RESIZE_MODES as readonly string[]).includes(resizeText) ? (resizeText as Preprocessing['resize']) : undefined;
    if (normValue === INVALID) return out;
    if (!size) bad(ONNX_METADATA_KEYS.inputSize, `is "${sizeText ?? ''}", not HxWxC`);
    else if (!norm.success) bad(ONNX_METADATA_KEYS.normalization, 'does not hold {"scale", "mean", "std"}');
    else if (!resize) bad(ONNX_METADATA_KEYS.resize, `is "${resizeText}", not one of ${RESIZE_MODES.join(', ')}`);
    else {
      const candidate = {
        height: Number(size[1]),
        width: Number(size[2]),
        channels: Number(size[3]),
        resize,
        scale: norm.data.scale,
        mean: norm.data.mean,
        std: norm.data.std,
        channelOrder: norm.data.channel_order ?? 'rgb',
      };
      const checked = preprocessingSchema.safeParse(candidate);
      if (checked.success) out.preprocessing = checked.data;
      else bad(ONNX_METADATA_KEYS.normalization, 'does not fit the input size (one mean and one std per channel, 1 or 3 channels)');
    }
  }
  return out;
}
