import { z } from 'zod';
import { NODE_ID_PATTERN } from '../graph/model-graph';
import { datasetSettingsSchema, trainingSettingsSchema, uiStateSchema } from './settings';

export const PROJECT_FORMAT = 'cnn-studio/project';
/** The version this build writes; older files are migrated on load. */
export const PROJECT_VERSION = 1;
/** The extension the OS associates with the studio. */
export const PROJECT_EXTENSION = '.cnnstudio';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const nodeFileSchema = z.strictObject({
  id: z.string().regex(NODE_ID_PATTERN, 'must start with a letter and hold only letters, digits, _ and - (at most 64)'),
  kind: z.string().max(64),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.strictObject({ x: finite, y: finite }).optional(),
});

export const edgeFileSchema = z.strictObject({ from: z.string().max(64), to: z.string().max(64) });

/**
 * Starting weights kept beside the project (an imported ONNX model, or a run the project was made
 * from): a folder with weights.json + weights.bin (src/shared/weights.ts), relative to the project
 * file's folder or absolute. Training starts from them; export uses them.
 */
export const initialWeightsSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  /** Where they came from, for people: "imported from resnet18.onnx", "run 2026-11-25T10-00 of lenet5". */
  origin: z.string().max(1000),
});
export type InitialWeights = z.infer<typeof initialWeightsSchema>;

/**
 * The project file as saved (JSON). The in-memory `Project` is a separate type; `codec.ts` converts.
 */
export const projectFileSchema = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string().min(1).max(200),
  nodes: z.array(nodeFileSchema).max(20000),
  edges: z.array(edgeFileSchema).max(100000),
  dataset: datasetSettingsSchema.default(datasetSettingsSchema.parse({})),
  training: trainingSettingsSchema.default(trainingSettingsSchema.parse({})),
  initialWeights: initialWeightsSchema.nullable().default(null),
  ui: uiStateSchema,
});

export type ProjectFile = z.infer<typeof projectFileSchema>;
