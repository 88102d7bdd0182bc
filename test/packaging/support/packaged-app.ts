import { existsSync, readdirSync } from 'node:fs';
import { chmod, cp, mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { AsarArchive } from './asar-archive';
import { asarEntry, extractAsar, readAsar } from './asar-archive';

/** An app folder electron-builder's `dir` target wrote: where its resources and executable are. */
export interface PackagedApp {
  appOutDir: string;
  /** The folder holding app.asar: `resources/` (Windows, Linux) or `Contents/Resources/` (macOS). */
  resources: string;
  asar: AsarArchive;
  executable: string;
}

/** Finds the app folder under electron-builder's output folder (`linux-unpacked`, `win-unpacked`, `mac-arm64/X.app`, ...). */
export function findPackagedApp(outputDir: string, productName: string, executableName: string): PackagedApp {
  for (const entry of readdirSync(outputDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const appOutDir = join(outputDir, entry.name);
    const macResources = join(appOutDir, `${productName}.app`, 'Contents', 'Resources');
    if (existsSync(join(macResources, 'app.asar'))) {
      return { appOutDir, resources: macResources, asar: readAsar(join(macResources, 'app.asar')), executable: join(appOutDir, `${productName}.app`, 'Contents', 'MacOS', productName) };
    }
    const resources = join(appOutDir, 'resources');
    if (existsSync(join(resources, 'app.asar'))) {
      const executable = process.platform === 'win32' ? join(appOutDir, `${productName}.exe`) : join(appOutDir, executableName);
      return { appOutDir, resources, asar: readAsar(join(resources, 'app.asar')), executable };
    }
  }
  throw new Error(`No packaged app (resources/app.asar) was found under ${outputDir}.`);
}

/**
 * Whether a path of the packaged app exists, the way Electron sees it: paths inside `app.asar` are
 * looked up in the archive's header, others on disk.
 */
export function packagedExists(app: PackagedApp): (path: string) => boolean {
  const archive = join(app.resources, 'app.asar');
  return (path) => {
    if (path === archive) return true;
    if (path.startsWith(archive + sep)) return asarEntry(app.asar, relative(archive, path).split(sep).join('/')) !== null;
    return existsSync(path);
  };
}

/**
 * A stand-in for Electron's Linux build where its binary cannot be downloaded: the layout
 * electron-builder copies and renames (an `electron` executable, its licence, its version). Enough
 * to pack the app; the packed app then runs with plain Node through `asPlainFiles`.
 */
export async function standInElectron(dir: string, version: string): Promise<string> {
  await mkdir(join(dir, 'resources'), { recursive: true });
  await writeFile(join(dir, 'electron'), '#!/bin/sh\necho "a stand-in for Electron: the packed app runs with Node in the tests" >&2\nexit 1\n');
  await chmod(join(dir, 'electron'), 0o755);
  await writeFile(join(dir, 'LICENSE'), 'Stand-in.\n');
  await writeFile(join(dir, 'version'), `${version}\n`);
  return dir;
}

/**
 * The packaged app's resources folder laid out as plain files for Node: everything beside the archive
 * as it is, and the archive extracted into a folder named `app.asar` (so the studio's resolver still
 * sees a packaged app and looks beside it for the copied resources).
 */
export async function asPlainFiles(app: PackagedApp, destination: string): Promise<string> {
  const archive = join(app.resources, 'app.asar');
  await cp(app.resources, destination, { recursive: true, filter: (source) => source !== archive });
  await extractAsar(app.asar, join(destination, 'app.asar'));
  return destination;
}
