import { z } from 'zod';
import { baselineFeaturesSchema } from '../../hog/feature-spec';
import { runEventSchema } from '../../run/run-events';
import { event, method } from '../rpc';
import { insightImageSchema } from './insight';

const pathSchema = z.string().min(1).max(4096);
const jobIdSchema = z.string().min(1).max(100);

/** The longest side a grey image is sent at; larger images are fitted to it (their aspect kept). */
export const MAX_GREY_SIDE = 1024;

export const greyImageSchema = z.object({
  /** The image's name (the file's path, or the uploaded name). */
  name: z.string(),
  height: z.number().int().min(1),
  width: z.number().int().min(1),
  /** height · width 8-bit grey values, row-major, as raw bytes in base64. */
  data: z.base64(),
  /** The image's own size when it was fitted to the size asked for (or to `maxSide`), else null. */
  resizedFrom: z.object({ height: z.number().int(), width: z.number().int() }).nullable(),
});
export type GreyImageAnswer = z.infer<typeof greyImageSchema>;

export const baselineTrainedSchema = z.object({
  /** The baseline's run folder (beside the compared run, in the project's runs folder). */
  runDir: z.string(),
  status: z.enum(['completed', 'stopped']),
  epochs: z.number().int(),
  seconds: z.number(),
});
export type BaselineTrained = z.infer<typeof baselineTrainedSchema>;

/**
 * HOG and the hand-crafted baseline (issue 14). HOG itself is computed in the window (src/shared/hog)
 * from the grey pixels `hog.greyImage` decodes exactly as the dataset pipeline does; the baseline is
 * trained by the `baseline` engine job on the same data and split as a run.
 */
export const hogMethods = {
  'hog.greyImage': method(
    z.strictObject({
      image: insightImageSchema,
      /** Fit the image to this size first (as a network's Input would, stretching); null: its own size. */
      size: z.strictObject({ height: z.number().int().min(1).max(MAX_GREY_SIDE), width: z.number().int().min(1).max(MAX_GREY_SIDE) }).nullable().default(null),
      /** Without `size`, an image whose longer side is larger is fitted to this. */
      maxSide: z.number().int().min(8).max(MAX_GREY_SIDE).default(512),
    }),
    greyImageSchema,
    'An image as the grey 8-bit pixels HOG reads (Rec. 601 luma, as the dataset pipeline converts colour).',
  ),
  'hog.trainBaseline': method(
    z.strictObject({
      /** Chosen by the window: its progress events carry it, and `hog.stopBaseline` names it. */
      jobId: jobIdSchema,
      /** The network's run to compare with: the baseline trains on its dataset, split, image size and seed. */
      runDir: pathSchema,
      features: baselineFeaturesSchema,
      epochs: z.number().int().min(1).max(1000).nullable().default(null),
    }),
    baselineTrainedSchema,
    'Trains a softmax classifier on HOG (or pixel) features of the same data as a run, into a new run folder beside it; sends hog.baselineProgress.',
  ),
  'hog.stopBaseline': method(z.strictObject({ jobId: jobIdSchema }), z.object({}), 'Stops a baseline in training after its current batch (what it trained is kept).'),
};

/** Events of the baseline's training, to the window that started it. */
export const hogEvents = {
  'hog.baselineProgress': event(z.object({ jobId: jobIdSchema, runDir: z.string().max(4096), event: runEventSchema }), 'One event of a baseline in training (start, batch, epoch, done…), as in metrics.jsonl.'),
};
