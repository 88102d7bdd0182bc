import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../../shared/errors';
import type { AssetId, RuntimeAsset } from './runtime-assets';
import { packagedLocation, RUNTIME_ASSETS, runtimeAsset } from './runtime-assets';

/** The package name that marks the app's root folder. */
const PACKAGE_NAME = 'cnn-studio';

export interface AssetResolver {
  /** The folder holding the studio's package.json: the repository, the installed package, or app.asar. */
  readonly appRoot: string;
  /** True inside a packaged Electron app (the root is an `.asar` archive). */
  readonly packaged: boolean;
  /** Where an asset is expected (it may be missing, for example before a build). */
  path(id: AssetId): string;
  /** Where an asset is; a StudioError naming it when it is missing. */
  require(id: AssetId): string;
  /** Every asset with where it is expected and whether it is there. */
  list(): { asset: RuntimeAsset; path: string; present: boolean }[];
}

export interface AssetResolverOptions {
  /** The app's root; found from this module's location by default. */
  appRoot?: string;
  /** Electron's `process.resourcesPath` of a packaged app; by default the folder holding the asar. */
  resourcesPath?: string;
  /** Tells whether a path exists (tests pass their own). */
  exists?: (path: string) => boolean;
}

/**
 * The nearest folder at or above `start` whose package.json is the studio's. It works the same from
 * the sources (Vitest), the bundle in `out/main`, an npm install, and `app.asar/out/main`.
 */
export function findAppRoot(start: string, read: (path: string) => string | null = readTextOrNull): string {
  let dir = resolve(start);
  for (;;) {
    const text = read(join(dir, 'package.json'));
    if (text !== null && packageNameOf(text) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new StudioError('internal', `CNN Studio cannot find its own files (no ${PACKAGE_NAME} package.json above ${start}).`, {
        hint: 'Reinstall CNN Studio, or run it from its folder.',
        where: start,
      });
    }
    dir = parent;
  }
}

function packageNameOf(text: string): string | null {
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** True when the app root is an Electron archive (`…/resources/app.asar`). */
export function isPackagedRoot(appRoot: string): boolean {
  return basename(appRoot).endsWith('.asar');
}

/** The resolver for an app root (see `defaultAssetResolver` for this installation's). */
export function createAssetResolver(options: AssetResolverOptions = {}): AssetResolver {
  const appRoot = resolve(options.appRoot ?? findAppRoot(dirname(fileURLToPath(import.meta.url))));
  const packaged = isPackagedRoot(appRoot);
  const resourcesPath = options.resourcesPath ?? dirname(appRoot);
  const exists = options.exists ?? existsSync;

  function locate(asset: Pick<RuntimeAsset, 'path' | 'packaging'>): string {
    const parts = (p: string) => p.split('/');
    if (!packaged) return join(appRoot, ...parts(asset.path));
    const { base, path } = packagedLocation(asset);
    const baseDir = base === 'app.asar' ? appRoot : base === 'app.asar.unpacked' ? `${appRoot}.unpacked` : resourcesPath;
    return join(baseDir, ...parts(path));
  }

  return {
    appRoot,
    packaged,
    path: (id) => locate(runtimeAsset(id)),
    require(id) {
      const asset = runtimeAsset(id);
      const path = locate(asset);
      if (!exists(path)) throw missingAsset(asset, path, packaged);
      return path;
    },
    list: () =>
      RUNTIME_ASSETS.map((asset) => {
        const path = locate(asset);
        return { asset, path, present: exists(path) };
      }),
  };
}

function missingAsset(asset: RuntimeAsset, path: string, packaged: boolean): StudioError {
  const built = asset.path.startsWith('out/');
  const hint = packaged
    ? 'Reinstall CNN Studio; the installation is incomplete.'
    : built
      ? 'Run "npm run build" in the CNN Studio folder first.'
      : 'Reinstall CNN Studio, or restore the file from the repository.';
  return new StudioError('file-not-found', `${asset.label} cannot be found: ${path} does not exist.`, { hint, where: path });
}

let installed: AssetResolver | null = null;

/** This installation's resolver (found once from this module's location). */
export function defaultAssetResolver(): AssetResolver {
  installed ??= createAssetResolver();
  return installed;
}
