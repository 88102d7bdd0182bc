import { z } from 'zod';
import { method } from '../rpc';

const pathSchema = z.string().min(1).max(4096);

export const torchPythonSchema = z.object({
  /** The command or path it was found as. */
  command: z.string(),
  /** The interpreter's own path. */
  executable: z.string(),
  pythonVersion: z.string(),
  torchVersion: z.string(),
  /** Where torch trains by default. */
  device: z.object({ kind: z.enum(['cuda', 'mps', 'cpu']), name: z.string().nullable() }),
});
export type TorchPythonInfo = z.infer<typeof torchPythonSchema>;

export const pytorchStatusSchema = z.object({
  /** The first Python with torch, NumPy and Pillow, or null. */
  found: torchPythonSchema.nullable(),
  /** Every candidate passed over, and why. */
  tried: z.array(z.object({ candidate: z.string(), reason: z.string() })),
  /** What to do when none was found. */
  hint: z.string(),
});
export type PytorchStatus = z.infer<typeof pytorchStatusSchema>;

export const pytorchExportSchema = z.object({
  dir: z.string(),
  /** The files written, relative to `dir`. */
  files: z.array(z.string()),
  /** How to run it: a few lines of commands. */
  howToRun: z.string(),
  warnings: z.array(z.string()),
});
export type PytorchExport = z.infer<typeof pytorchExportSchema>;

export const importedRunSchema = z.object({
  /** Where the run is now (in the project's runs folder). */
  runDir: z.string(),
  projectName: z.string(),
  status: z.string(),
  epochsCompleted: z.number().int(),
  epochsPlanned: z.number().int(),
  /** The backend it was trained on ("PyTorch 2.3.1 on CUDA, …"). */
  backend: z.string(),
  weightsFrom: z.string(),
  warnings: z.array(z.string()),
});
export type ImportedRun = z.infer<typeof importedRunSchema>;

/**
 * PyTorch (issue 9): whether this machine has a Python with torch for the local PyTorch engine, the
 * PyTorch training package as an export, and bringing a run trained elsewhere (a cluster) into the
 * project's run history.
 */
export const pytorchMethods = {
  'pytorch.status': method(z.strictObject({}), pytorchStatusSchema, 'The Python with torch the PyTorch engine would use (its version and device), or why none was found.'),
  'pytorch.export': method(
    z.strictObject({
      /** A run folder (training continues from its weights) or a project file. */
      source: pathSchema,
      /** The package folder: new, empty, or an earlier PyTorch package (replaced whole). */
      out: pathSchema,
    }),
    pytorchExportSchema,
    'Writes a self-contained PyTorch training package (model.py, data.py, train.py for torchrun, export_onnx.py, README, launch files).',
  ),
  'pytorch.importRun': method(
    z.strictObject({
      /** The run folder train.py wrote (on the services' machine). */
      dir: pathSchema,
      /** The open project, whose runs folder receives a copy of the run (as `runs.list` finds it). */
      projectPath: z.string().max(4096).nullable(),
      projectName: z.string().min(1).max(200),
      runsFolder: z.string().max(4096).nullable().default(null),
      /** The image folder on this machine, when the recorded (cluster) one is not here. */
      dataPath: pathSchema.nullable().default(null),
    }),
    importedRunSchema,
    'Checks a run folder trained elsewhere and copies it into the project\'s runs folder, so it shows in the history and evaluates, visualises and exports like a local run.',
  ),
};
