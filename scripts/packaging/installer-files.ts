import type { RuntimeAsset } from '../../src/main/services/resources/runtime-assets';
import { packagedLocation, RUNTIME_ASSETS } from '../../src/main/services/resources/runtime-assets';

/**
 * The installer build's file rules, derived from the run-time asset list (`RUNTIME_ASSETS`) so that
 * what the code resolves and what the installers carry cannot drift apart: an asset added there is
 * packed, unpacked or copied beside the archive by this derivation alone.
 */

/** One electron-builder `extraResources` entry: copied to `resources/<to>` beside `app.asar`. */
export interface ExtraResource {
  from: string;
  to: string;
  filter?: string[];
}

export interface InstallerFiles {
  /** Globs of the project folder packed into `app.asar` (electron-builder adds package.json and the production node_modules itself). */
  files: string[];
  /** Globs, inside the app, of the files kept out of the archive in `app.asar.unpacked` as real files. */
  asarUnpack: string[];
  /** Files and folders copied beside the archive. */
  extraResources: ExtraResource[];
}

/** The glob matching an asset's files: the file itself, or the folder's files (all, or those it names). */
export function assetGlob(asset: Pick<RuntimeAsset, 'path' | 'type' | 'files'>): string {
  return asset.type === 'file' ? asset.path : `${asset.path}/${asset.files ?? '**/*'}`;
}

/** True for assets that come with a production dependency (electron-builder packs node_modules by itself). */
function fromDependency(asset: Pick<RuntimeAsset, 'path'>): boolean {
  return asset.path.startsWith('node_modules/');
}

/** The `files`, `asarUnpack` and `extraResources` rules that put every asset where the resolver looks for it. */
export function installerFiles(assets: readonly RuntimeAsset[] = RUNTIME_ASSETS): InstallerFiles {
  const result: InstallerFiles = { files: [], asarUnpack: [], extraResources: [] };
  for (const asset of assets) {
    const glob = assetGlob(asset);
    switch (asset.packaging) {
      case 'asar':
        if (!fromDependency(asset)) result.files.push(glob);
        break;
      case 'asarUnpacked':
        if (!fromDependency(asset)) result.files.push(glob);
        result.asarUnpack.push(glob);
        break;
      case 'extraResources': {
        const to = packagedLocation(asset).path;
        result.extraResources.push(asset.type === 'folder' ? { from: asset.path, to, filter: [asset.files ?? '**/*'] } : { from: asset.path, to });
        break;
      }
    }
  }
  return result;
}
