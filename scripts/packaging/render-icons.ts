import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../../src/main/services/files/atomic-write';
import type { IconImage } from './icon-files';
import { encodeIcns, encodeIco, ICNS_TYPES, ICO_SIZES } from './icon-files';

/**
 * Renders the icons' one source each (SVG in `resources/icons/`) to every size and format the three
 * platforms' installers take: `.icns` (macOS), `.ico` (Windows), a folder of `NxN.png` (Linux).
 */

/** The icons: the application's, and the `.cnnstudio` project file's. */
export const ICON_SOURCES = {
  app: 'resources/icons/app.svg',
  project: 'resources/icons/project.svg',
} as const;

export type IconName = keyof typeof ICON_SOURCES;

/** The sizes of the Linux icon folder (the freedesktop hicolor theme's usual sizes). */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;

/** Where the rendered icons go, from the project folder (a build output, like the rest of `out/`). */
export const ICON_OUTPUT_DIR = 'out/icons';

/** The rendered files of one icon, as paths from the project folder. */
export interface RenderedIcon {
  icns: string;
  ico: string;
  pngDir: string;
}

/** The paths `renderIcons` writes, from the project folder (what the installer configuration names). */
export function iconPaths(name: IconName, outDir: string = ICON_OUTPUT_DIR): RenderedIcon {
  return { icns: `${outDir}/${name}.icns`, ico: `${outDir}/${name}.ico`, pngDir: `${outDir}/${name}-png` };
}

/** One square rendering of an SVG, drawn at that size (not scaled down from a large bitmap). */
export async function renderSquare(svg: Uint8Array, size: number, sourceSize: number): Promise<IconImage> {
  // librsvg draws the vector at `density` dots per inch; 72 is the SVG's own pixel size.
  const density = (72 * size) / sourceSize;
  const { data, info } = await sharp(svg, { density })
    .resize(size, size, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`The icon rendered with ${info.channels} channels, not 4.`);
  const rgba = new Uint8Array(data);
  const png = new Uint8Array(await sharp(data, { raw: { width: size, height: size, channels: 4 } }).png({ compressionLevel: 9 }).toBuffer());
  return { size, png, rgba };
}

/** The width of an SVG's canvas, from its `viewBox` (the icons are square). */
export function svgCanvasSize(svg: string, source: string): number {
  const match = /viewBox="\s*0\s+0\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*"/.exec(svg);
  if (!match || match[1] !== match[2]) throw new Error(`${source} must have a square viewBox="0 0 N N".`);
  return Number(match[1]);
}

/** Renders one icon to `.icns`, `.ico` and the Linux PNG folder under `outDir` (relative to `root`, or absolute). */
export async function renderIcon(root: string, name: IconName, outDir: string = ICON_OUTPUT_DIR): Promise<RenderedIcon> {
  const source = ICON_SOURCES[name];
  const svg = await readFile(join(root, source));
  const canvas = svgCanvasSize(svg.toString('utf8'), source);
  const sizes = [...new Set<number>([...ICO_SIZES, ...ICNS_TYPES.map((t) => t.size), ...LINUX_ICON_SIZES])].sort((a, b) => a - b);
  const images = await Promise.all(sizes.map((size) => renderSquare(svg, size, canvas)));
  const paths = iconPaths(name, outDir);
  // `outDir` may be absolute (tests render elsewhere) or, as the installer configuration names it, relative.
  await writeFileAtomic(resolve(root, paths.icns), encodeIcns(images), { what: `the ${name} icon` });
  await writeFileAtomic(resolve(root, paths.ico), encodeIco(images), { what: `the ${name} icon` });
  for (const size of LINUX_ICON_SIZES) {
    const image = images.find((i) => i.size === size)!;
    await writeFileAtomic(resolve(root, paths.pngDir, `${size}x${size}.png`), image.png, { what: `the ${name} icon` });
  }
  return paths;
}

/** Renders every icon under `outDir`; returns their paths by name. */
export async function renderIcons(root: string, outDir: string = ICON_OUTPUT_DIR): Promise<Record<IconName, RenderedIcon>> {
  return { app: await renderIcon(root, 'app', outDir), project: await renderIcon(root, 'project', outDir) };
}
