import { z } from 'zod';
import { projectFileSchema } from '../../project/schema';
import { method } from '../rpc';

const inputSizeSchema = z.strictObject({
  height: z.number().int().min(1).max(4096),
  width: z.number().int().min(1).max(4096),
  channels: z.union([z.literal(1), z.literal(3)]),
});

const paramTotalsSchema = z.object({ trainable: z.number(), nonTrainable: z.number(), total: z.number() });

export const templateInfoSchema = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string(),
  reference: z.string(),
  small: z.boolean(),
  defaults: z.object({ input: inputSizeSchema, classes: z.number().int() }),
  params: paramTotalsSchema,
});
export type TemplateInfo = z.infer<typeof templateInfoSchema>;

/** A project as the renderer holds it: the file content and where it lives (null until saved). */
export const projectDocumentSchema = z.object({
  path: z.string().max(4096).nullable(),
  project: projectFileSchema,
});
export type ProjectDocument = z.infer<typeof projectDocumentSchema>;

const pathSchema = z.string().min(1).max(4096);

export const recoveryEntrySchema = z.object({
  key: z.string().max(200),
  path: z.string().max(4096).nullable(),
  savedAt: z.string().max(64),
  project: projectFileSchema,
});
export type RecoveryEntry = z.infer<typeof recoveryEntrySchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  /** `electron` in the desktop app, `browser` in `cnn-studio serve`. */
  mode: z.enum(['electron', 'browser']),
  /** True where open/save dialogs are native (Electron); the browser shows path fields instead. */
  nativeDialogs: z.boolean(),
  platform: z.string(),
  /** The sample project shipped in resources/. */
  sampleProjectPath: z.string(),
  /** A project to open at start (`npm start`, a double-clicked .cnnstudio file), if any. */
  startupProjectPath: z.string().nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** Projects, templates and the app itself. */
export const projectMethods = {
  'app.info': method(z.strictObject({}), appInfoSchema, 'Version, host mode and paths the renderer starts from.'),
  'templates.list': method(z.strictObject({}), z.array(templateInfoSchema), 'Every architecture template with its default size and parameter count.'),
  'project.new': method(
    z.strictObject({ template: z.string().max(64), input: inputSizeSchema.optional(), classes: z.number().int().min(2).max(100000).optional(), name: z.string().min(1).max(200).optional() }),
    projectDocumentSchema,
    'A new, unsaved project from a template (laid out left to right).',
  ),
  'project.open': method(z.strictObject({ path: pathSchema }), projectDocumentSchema, 'Reads and validates a project file; records it as recent.'),
  'project.save': method(z.strictObject({ path: pathSchema, project: projectFileSchema }), z.object({ path: z.string() }), 'Saves atomically; records it as recent.'),
  'project.sample': method(z.strictObject({}), projectDocumentSchema, 'The sample project shipped with the studio (LeNet-5 on the sample dataset).'),
  'project.recent': method(z.strictObject({}), z.object({ paths: z.array(z.string()) }), 'Recently opened or saved project files, newest first.'),
  'project.autosave': method(
    z.strictObject({ key: z.string().min(1).max(200), path: z.string().max(4096).nullable(), project: projectFileSchema }),
    z.object({ savedAt: z.string() }),
    'Writes the recovery copy of an unsaved project (atomically).',
  ),
  'project.recovery': method(z.strictObject({}), z.object({ entries: z.array(recoveryEntrySchema) }), 'Recovery copies left by a session that did not close cleanly.'),
  'project.discardRecovery': method(z.strictObject({ key: z.string().min(1).max(200) }), z.object({}), 'Deletes a recovery copy (after saving, or when the user declines it).'),
};
