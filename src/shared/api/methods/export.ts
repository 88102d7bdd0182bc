import { z } from 'zod';
import { EXPORT_OPSETS, INPUT_LAYOUTS } from '../../onnx/opsets';
import { method } from '../rpc';

const pathSchema = z.string().min(1).max(4096);

/** The formats a run exports to. */
export const EXPORT_FORMAT_NAMES = ['onnx', 'tfjs'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];

export const exportResultSchema = z.object({
  format: z.enum(EXPORT_FORMAT_NAMES),
  /** The ONNX file written, or null. */
  file: z.string().max(4096).nullable(),
  /** The TF.js folder written, or null. */
  dir: z.string().max(4096).nullable(),
  opset: z.number().int().nullable(),
  warnings: z.array(z.string().max(5000)),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

/** Export of a run (or a project) with the options of `cnn-studio export`, in an engine process. */
export const exportMethods = {
  'export.run': method(
    z
      .strictObject({
        /** A run folder (its trained weights) or a project file. */
        source: pathSchema,
        format: z.enum(EXPORT_FORMAT_NAMES),
        /** The .onnx file, or the folder of a TF.js export. */
        out: pathSchema,
        opset: z.literal(EXPORT_OPSETS).optional(),
        layout: z.enum(INPUT_LAYOUTS).optional(),
        logits: z.boolean().optional(),
      })
      .refine((r) => r.format === 'onnx' || (r.opset === undefined && r.layout === undefined && !r.logits), {
        message: 'the opset, layout and logits options apply to ONNX exports only',
        path: ['format'],
      }),
    exportResultSchema,
    'Writes the network with its weights as ONNX (one file) or TF.js (a folder); the output appears whole or not at all.',
  ),
};
