import { z } from 'zod';
import { datasetReportSchema } from '../../dataset/dataset-report';
import { RESIZE_MODES } from '../../project/preprocessing';
import { augmentationSchema } from '../../project/settings';
import { event, method } from '../rpc';

const pathSchema = z.string().min(1).max(4096);
const scanIdSchema = z.string().min(1).max(100);

/** The most files one `dataset.thumbnails` request may ask for (the window batches its requests). */
export const MAX_THUMBNAILS_PER_REQUEST = 64;
/** Skipped and ignored files listed in a scan's answer; the totals say how many there were in all. */
export const MAX_LISTED_FILES = 500;

/** A few images of one class, to show as thumbnails and to preview augmentation on. */
export const classSamplesSchema = z.object({
  className: z.string().max(1000),
  files: z.array(
    z.object({
      /** Absolute path. */
      path: z.string().max(8192),
      /** Relative to the dataset folder: the key the loader draws augmentations with. */
      file: z.string().max(8192),
    }),
  ),
});
export type ClassSamples = z.infer<typeof classSamplesSchema>;

export const datasetScanSchema = z.object({
  /** The dataset folder, absolute. */
  root: z.string().max(8192),
  /** The scan's report; `skipped` and `ignored` hold at most MAX_LISTED_FILES entries each. */
  report: datasetReportSchema,
  skippedTotal: z.number().int().min(0),
  ignoredTotal: z.number().int().min(0),
  samples: z.array(classSamplesSchema),
  seconds: z.number(),
});
export type DatasetScan = z.infer<typeof datasetScanSchema>;

export const scanProgressSchema = z.object({
  scanId: scanIdSchema,
  filesSeen: z.number().int().min(0),
  images: z.number().int().min(0),
  skipped: z.number().int().min(0),
  /** Files counted in the folder beforehand (an estimate for the progress bar); null until counted. */
  total: z.number().int().min(0).nullable(),
  /** The folder being examined, relative to the dataset folder. */
  folder: z.string().max(8192),
  done: z.boolean(),
});
export type ScanProgress = z.infer<typeof scanProgressSchema>;

export const thumbnailSchema = z.object({
  file: z.string().max(8192),
  /** PNG bytes, base64; null when the file could not be read (then `error` says why). */
  png: z.string().nullable(),
  error: z.string().max(2000).optional(),
});
export type Thumbnail = z.infer<typeof thumbnailSchema>;

const inputSizeSchema = z.strictObject({
  height: z.number().int().min(1).max(1024),
  width: z.number().int().min(1).max(1024),
  channels: z.union([z.literal(1), z.literal(3)]),
});

/**
 * The dataset panel's services: scanning a folder (in the services process, with progress events to
 * the window that asked), thumbnails, and the augmentation preview. Relative paths resolve beside
 * the project file, or in the services' working folder for an unsaved project.
 */
export const datasetMethods = {
  'dataset.scan': method(
    z.strictObject({
      /** Chosen by the window: its progress events carry it, and `dataset.cancelScan` names it. */
      scanId: scanIdSchema,
      path: pathSchema,
      testPath: pathSchema.nullable().default(null),
      validationSplit: z.number().min(0).max(0.9).default(0.2),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .nullable()
        .default(null),
      projectPath: z.string().max(4096).nullable().default(null),
      /** Images listed per class for thumbnails. */
      samplesPerClass: z.number().int().min(0).max(64).default(12),
    }),
    datasetScanSchema,
    'Scans an image folder: classes, counts per split, skipped files with reasons, warnings; sends dataset.scanProgress while it runs.',
  ),
  'dataset.cancelScan': method(z.strictObject({ scanId: scanIdSchema }), z.object({}), 'Cancels a scan in progress (its dataset.scan call then fails with a "cancelled" error).'),
  'dataset.thumbnails': method(
    z.strictObject({ files: z.array(pathSchema).min(1).max(MAX_THUMBNAILS_PER_REQUEST), size: z.number().int().min(16).max(256).default(96) }),
    z.object({ images: z.array(thumbnailSchema) }),
    'Thumbnails (PNG, base64) of image files, fitted in size × size pixels.',
  ),
  'dataset.augmentationPreview': method(
    z.strictObject({
      file: pathSchema,
      /** The sample's file relative to the dataset folder: draw k is then what epoch k gives it. */
      key: z.string().max(8192).optional(),
      input: inputSizeSchema,
      resize: z.enum(RESIZE_MODES),
      augmentation: augmentationSchema,
      count: z.number().int().min(1).max(36).default(12),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    }),
    z.object({ png: z.string(), columns: z.number().int(), count: z.number().int(), scale: z.number().int() }),
    'One image at the Input size under several augmentation draws, as one PNG sheet (base64).',
  ),
};

/** Events of the dataset panel's services. */
export const datasetEvents = {
  'dataset.scanProgress': event(scanProgressSchema, 'Progress of a dataset.scan (at most every 50 ms, and once when done).'),
};
