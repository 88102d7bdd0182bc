import { join } from 'node:path';
import sharp from 'sharp';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import type { InsightTarget } from '../../../../src/shared/insight/insight-jobs';
import { projectToFile } from '../../../../src/shared/project/codec';
import type { Project } from '../../../../src/shared/project/project';
import { createProject } from '../../../../src/shared/project/project';
import { tempDir } from '../../../support/training-fixtures';

/** A grey PNG whose pixels are `rows` (0–255), written to a temporary folder. */
export async function greyPng(rows: number[][], name = 'image.png'): Promise<string> {
  const dir = await tempDir('insight');
  const height = rows.length;
  const width = rows[0]!.length;
  const path = join(dir, name);
  await sharp(Uint8Array.from(rows.flat()), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toFile(path);
  return path;
}

/** A project around a graph (seed 7, wasm) as an insight target. */
export function projectTarget(graph: ModelGraph, edit: (p: Project) => void = () => undefined): InsightTarget {
  const project = createProject('insight test', graph, { training: { seed: 7, backend: 'wasm' } });
  edit(project);
  return { kind: 'project', project: projectToFile(project), projectPath: null };
}

/** The pixels of a grey image file as sharp decodes them, `[row][col]` in 0–255 (the test's own reading). */
export async function readGrey(path: string): Promise<number[][]> {
  const { data, info } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
  return Array.from({ length: info.height }, (_, r) => Array.from(data.subarray(r * info.width, (r + 1) * info.width)));
}

/** PNG width and height. */
export async function pngSize(path: string): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(path).metadata();
  return { width: meta.width!, height: meta.height!, format: meta.format! };
}
