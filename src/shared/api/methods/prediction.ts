import { z } from 'zod';
import { predictionSchema } from '../../run/evaluation';
import { method } from '../rpc';

const pathSchema = z.string().min(1).max(4096);

/** The largest image the window may upload to predict (bytes, before base64). */
export const MAX_UPLOAD_IMAGE_BYTES = 8 * 1024 * 1024;
/** The most bytes one upload request may carry in all (the window sends larger sets in several). */
export const MAX_UPLOAD_REQUEST_BYTES = 16 * 1024 * 1024;
/** The most images one prediction request may carry. */
export const MAX_PREDICT_IMAGES = 32;

const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

const uploadedImageSchema = z.strictObject({
  /** The file's name as the user's system gave it (shown back, and kept for its extension). */
  name: z.string().min(1).max(255),
  /** The file's bytes, base64. */
  data: z.base64().max(base64Length(MAX_UPLOAD_IMAGE_BYTES), `an image may have at most ${MAX_UPLOAD_IMAGE_BYTES / 1024 / 1024} MB`),
});

export const predictionResultSchema = z.object({
  /** The run's class names, in the order of every `probabilities` array. */
  labels: z.array(z.string()),
  /** One per image, in the order given; `file` is the path, or the uploaded name. */
  predictions: z.array(predictionSchema),
});
export type PredictionResult = z.infer<typeof predictionResultSchema>;

/** Prediction with a trained run, in an engine process (the `predict` job), with the run's preprocessing. */
export const predictionMethods = {
  'prediction.predictFiles': method(
    z.strictObject({ runDir: pathSchema, files: z.array(pathSchema).min(1).max(256) }),
    predictionResultSchema,
    'Every class probability of image files on the services machine.',
  ),
  'prediction.predictImages': method(
    z
      .strictObject({ runDir: pathSchema, images: z.array(uploadedImageSchema).min(1).max(MAX_PREDICT_IMAGES) })
      .refine((r) => r.images.reduce((sum, i) => sum + i.data.length, 0) <= base64Length(MAX_UPLOAD_REQUEST_BYTES), {
        message: `the images may have at most ${MAX_UPLOAD_REQUEST_BYTES / 1024 / 1024} MB in one request`,
        path: ['images'],
      }),
    predictionResultSchema,
    'Every class probability of images uploaded from the window (dropped or picked files in the browser).',
  ),
};
