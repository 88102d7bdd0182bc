import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ID, builderConfiguration, debFileTypeFiles, installedElectron, PRODUCT_NAME } from '../../electron-builder.config';
import { assetGlob, installerFiles } from '../../scripts/packaging/installer-files';
import { linuxMimeInfo, PROJECT_FILE_TYPE } from '../../scripts/packaging/project-file-type';
import { iconPaths } from '../../scripts/packaging/render-icons';
import type { RuntimeAsset } from '../../src/main/services/resources/runtime-assets';
import { packagedLocation, RUNTIME_ASSETS } from '../../src/main/services/resources/runtime-assets';
import { PROJECT_EXTENSION } from '../../src/shared/project/schema';
import { globMatcher } from './support/glob-pattern';

const REPO = resolve(import.meta.dirname, '../..');
const config = builderConfiguration(REPO);
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

type Targets = { target: string; arch: string[] }[];
function targets(platform: { target?: unknown } | null | undefined): Targets {
  return (platform?.target ?? []) as Targets;
}

/** Files under a folder of the built tree, as `/`-separated paths from it. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(join(dir, entry.name), path) : [path];
  });
}

describe('the electron-builder configuration', () => {
  it('names the product and app id, and takes the version from package.json', async () => {
    expect(config.productName).toBe(PRODUCT_NAME);
    expect(config.appId).toBe(APP_ID);
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string; main: string };
    // Neither a version of its own nor one injected into the app's package.json: electron-builder reads package.json's.
    expect(config.buildVersion).toBeUndefined();
    expect(config.extraMetadata).toBeUndefined();
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('builds NSIS for Windows x64, dmg for macOS x64 and arm64, AppImage and deb for Linux x64', () => {
    expect(targets(config.win)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(targets(config.mac)).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(targets(config.linux)).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ]);
  });

  it('points every platform at the rendered app icon, and the .cnnstudio association at the project icon', () => {
    const app = iconPaths('app');
    expect(config.win?.icon).toBe(app.ico);
    expect(config.mac?.icon).toBe(app.icns);
    expect(config.linux?.icon).toBe(app.pngDir);
    const association = Array.isArray(config.fileAssociations) ? config.fileAssociations : [config.fileAssociations];
    expect(association).toHaveLength(1);
    expect(`.${association[0]!.ext as string}`).toBe(PROJECT_EXTENSION);
    // electron-builder appends .icns (macOS) or .ico (Windows) to an icon named without extension.
    expect(`${association[0]!.icon}.ico`).toBe(iconPaths('project').ico);
    expect(`${association[0]!.icon}.icns`).toBe(iconPaths('project').icns);
    expect(config.linux?.mimeTypes).toEqual([PROJECT_FILE_TYPE.mimeType]);
  });

  it("names the Linux desktop entry after package.json's desktopName, Electron's window app id", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { desktopName?: string };
    expect(config.linux?.syncDesktopName).toBe(true);
    expect(pkg.desktopName).toBe(`${config.linux?.executableName}.desktop`);
  });

  it('gives the deb package the project MIME type and its icon under the type name', () => {
    const files = debFileTypeFiles(REPO);
    expect(files[0]).toBe(`${join(REPO, 'out', 'icons', 'cnn-studio-project.xml')}=/usr/share/mime/packages/cnn-studio-project.xml`);
    expect(files.slice(1).every((f) => /=\/usr\/share\/icons\/hicolor\/(\d+)x\1\/mimetypes\/application-x-cnnstudio\.png$/.test(f))).toBe(true);
    expect(linuxMimeInfo()).toContain(`<glob pattern="*${PROJECT_EXTENSION}"/>`);
    expect(linuxMimeInfo()).toContain(`<mime-type type="${PROJECT_FILE_TYPE.mimeType}">`);
    expect(linuxMimeInfo()).not.toContain('<icon');
  });

  it('packs with asar, unpacks and copies per the run-time asset list, and skips the native rebuild', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    const files = config.files as string[];
    for (const asset of RUNTIME_ASSETS as readonly RuntimeAsset[]) {
      const glob = assetGlob(asset);
      const dependency = asset.path.startsWith('node_modules/');
      if (asset.packaging === 'asar') expect(dependency || files.includes(glob), asset.id).toBe(true);
      if (asset.packaging === 'asarUnpacked') {
        expect(config.asarUnpack, asset.id).toContain(glob);
        expect(dependency || files.includes(glob), asset.id).toBe(true);
      }
      if (asset.packaging === 'extraResources') {
        expect(config.extraResources, asset.id).toContainEqual(expect.objectContaining({ from: asset.path, to: packagedLocation(asset).path }));
        expect(files.some((f) => f.startsWith(asset.path)), asset.id).toBe(false);
      }
    }
    expect(files).toContain('out/main/**/*');
    expect(files).toContain('!out/main/bench.js');
  });

  it('matches files of the built tree with every rule of the project folder', () => {
    const rules: string[] = [...(config.files as string[]).filter((f) => !f.startsWith('!') && !f.startsWith('node_modules/')), ...((config.extraResources as { from: string; filter?: string[] }[]).map((r) => (r.filter ? `${r.from}/${r.filter[0]}` : r.from)))];
    for (const rule of rules) {
      const [base, ...rest] = rule.split(/\/(?=[^/]*[*?])/);
      const matched = rest.length ? filesUnder(join(REPO, base!)).filter(globMatcher(rest.join('/'))) : existsSync(join(REPO, base!)) ? [base!] : [];
      expect(matched.length, `${rule} matches nothing (run "npm run build" first)`).toBeGreaterThan(0);
    }
  });

  it('derives each packaging kind from an asset declaration', () => {
    const assets: RuntimeAsset[] = [
      { id: 'rendererBundle', label: 'a', path: 'out/x', type: 'folder', packaging: 'asar', locatedBy: 'studio', doc: '' },
      { id: 'preload', label: 'b', path: 'out/y.js', type: 'file', packaging: 'asarUnpacked', locatedBy: 'studio', doc: '' },
      { id: 'sharpBinaries', label: 'c', path: 'node_modules/z', type: 'folder', files: '*.node', packaging: 'asarUnpacked', locatedBy: 'library', doc: '' },
      { id: 'sampleDataset', label: 'd', path: 'resources/data', type: 'folder', files: '*.png', packaging: 'extraResources', locatedBy: 'studio', doc: '' },
      { id: 'sampleProject', label: 'e', path: 'resources/p.cnnstudio', type: 'file', packaging: 'extraResources', locatedBy: 'studio', doc: '' },
    ];
    expect(installerFiles(assets)).toEqual({
      files: ['out/x/**/*', 'out/y.js'],
      asarUnpack: ['out/y.js', 'node_modules/z/*.node'],
      extraResources: [
        { from: 'resources/data', to: 'data', filter: ['*.png'] },
        { from: 'resources/p.cnnstudio', to: 'p.cnnstudio' },
      ],
    });
  });

  it('uses the installed Electron binary for this platform and architecture only', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cnn-builder-'));
    temps.push(root);
    const hook = installedElectron(root);
    expect(hook({ platformName: process.platform, arch: process.arch })).toBeNull();
    await mkdir(join(root, 'node_modules', 'electron', 'dist'), { recursive: true });
    expect(hook({ platformName: process.platform, arch: process.arch })).toBe(join(root, 'node_modules', 'electron', 'dist'));
    const other = process.arch === 'arm64' ? 'x64' : 'arm64';
    expect(hook({ platformName: process.platform, arch: other })).toBeNull();
  });

  it('signs macOS builds ad hoc unless a certificate is given', () => {
    const saved = process.env.CSC_LINK;
    try {
      delete process.env.CSC_LINK;
      expect(builderConfiguration(REPO).mac).toMatchObject({ identity: '-', hardenedRuntime: false });
      process.env.CSC_LINK = 'certificate.p12';
      const signed: Configuration = builderConfiguration(REPO);
      expect(signed.mac?.identity).toBeUndefined();
      expect(signed.mac?.hardenedRuntime).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.CSC_LINK;
      else process.env.CSC_LINK = saved;
    }
  });
});
