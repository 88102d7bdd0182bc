import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import type { InputPicture, insightImageSchema } from '../../../shared/api/methods/insight';
import { StudioError } from '../../../shared/errors';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { preprocessingSchema, resolvePreprocessing } from '../../../shared/project/preprocessing';
import { projectFromFile } from '../../../shared/project/codec';
import type { Project } from '../../../shared/project/project';
import type { insightTargetSchema } from '../../../shared/insight/insight-jobs';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { decodeImageFile, pixelsToPng } from '../data';
import { fileReadError } from '../files/atomic-write';
import { RUN_FILES } from '../runs/run-folder';

type InsightImage = z.output<typeof insightImageSchema>;
type InsightTarget = z.output<typeof insightTargetSchema>;

/** A file name that is safe in a temporary folder, keeping the extension the decoder may use. */
function safeName(name: string): string {
  return basename(name).replace(/[^A-Za-z0-9._-]+/g, '_').slice(-100) || 'image';
}

/**
 * Runs `use` with the image as a file on this machine: a dataset file as it is (relative paths
 * resolve in `cwd`), an uploaded one written to a temporary folder first and removed afterwards.
 * `name` is what the window knows the image by; `rename` puts it back in place of the temporary path
 * in a message.
 */
export async function withImageFile<T>(image: InsightImage, cwd: string, use: (file: { path: string; name: string; rename: (text: string) => string }) => Promise<T>): Promise<T> {
  if (image.kind === 'file') {
    const path = resolve(cwd, image.path);
    return use({ path, name: path, rename: (text) => text });
  }
  const folder = await mkdtemp(join(tmpdir(), 'cnn-studio-insight-'));
  try {
    const path = join(folder, safeName(image.name));
    await writeFile(path, Buffer.from(image.data, 'base64'));
    const rename = (text: string) => text.split(path).join(image.name);
    try {
      return await use({ path, name: image.name, rename });
    } catch (error) {
      // The window knows the upload by its name, not by the temporary path.
      if (error instanceof StudioError) throw new StudioError(error.code, rename(error.message), { hint: error.hint && rename(error.hint), where: error.where && rename(error.where) });
      throw error;
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The image as the network sees it (fitted to its Input, 8-bit), as a PNG for the window to draw on. */
export async function inputPicture(path: string, preprocessing: Preprocessing): Promise<InputPicture> {
  const { height, width, channels, resize } = preprocessing;
  const pixels = await decodeImageFile(path, { height, width, channels, resize });
  const png = await pixelsToPng(pixels);
  return { png: Buffer.from(png).toString('base64'), height, width, channels };
}

/**
 * The preprocessing an insight target feeds its images with, read without an engine: a run's
 * preprocessing.json, or a project's default (pixel/255 where it needs dataset statistics), as the
 * insight jobs use them.
 */
export async function targetPreprocessing(target: InsightTarget): Promise<Preprocessing> {
  if (target.kind === 'run') return readRunFile(target.runDir, RUN_FILES.preprocessing, preprocessingSchema);
  return projectPreprocessing(projectFromFile(target.project));
}

/** A project's default preprocessing (dataset-mean-std needs a run's statistics: pixel/255 stands in). */
export function projectPreprocessing(project: Project): Preprocessing {
  const flat = analyzeGraph(project.graph).flat;
  const input = flat?.nodes.find((n) => n.id === flat.inputId);
  if (!input) throw new StudioError('invalid-graph', `The network of "${project.name}" has errors, so it cannot be run.`, { hint: 'Fix the problems list first.' });
  const normalization = project.dataset.normalization === 'dataset-mean-std' ? 'pixel/255' : project.dataset.normalization;
  const geometry = { height: input.params.height as number, width: input.params.width as number, channels: input.params.channels === 3 ? 3 : 1 };
  return resolvePreprocessing(normalization, geometry, project.dataset.resize);
}

/** One JSON file of a run folder, checked with its schema; a missing or damaged file is a sentence naming it. */
export async function readRunFile<T>(runDir: string, file: string, schema: z.ZodType<T>): Promise<T> {
  const path = join(runDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileReadError(path, error, `the run's ${file}`);
  }
  let parsed: ReturnType<typeof schema.safeParse>;
  try {
    parsed = schema.safeParse(JSON.parse(text));
  } catch {
    throw new StudioError('run-invalid', `${path} is not valid JSON; the run folder is damaged.`, { hint: 'Train again, or restore the file.', where: path });
  }
  if (!parsed.success) throw new StudioError('run-invalid', `${path} does not hold what a run keeps there; the run folder is damaged.`, { hint: 'Train again, or restore the file.', where: path });
  return parsed.data;
}
