import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../../src/shared/errors';
import { createAssetResolver, defaultAssetResolver, findAppRoot, isPackagedRoot } from '../../../../src/main/services/resources/asset-resolver';
import { packagedLocation, RUNTIME_ASSETS } from '../../../../src/main/services/resources/runtime-assets';

const REPO = resolve(import.meta.dirname, '../../../..');
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((t) => rm(t, { recursive: true, force: true })));
});

async function fakeInstall(layout: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cnn-assets-'));
  temps.push(root);
  for (const [path, text] of Object.entries(layout)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('asset resolver', () => {
  it('finds_the_repository_from_the_sources_as_vitest_runs_them', () => {
    const assets = defaultAssetResolver();
    expect(assets.appRoot).toBe(REPO);
    expect(assets.packaged).toBe(false);
    expect(assets.require('sampleProject')).toBe(join(REPO, 'resources', 'samples', 'lenet5-fashion.cnnstudio'));
    expect(assets.require('sampleDataset')).toBe(join(REPO, 'resources', 'datasets', 'fashion-mnist-sample'));
    expect(assets.path('rendererBundle')).toBe(join(REPO, 'out', 'renderer'));
  });

  it('finds_the_root_from_a_bundle_chunk_two_folders_below_it', async () => {
    const root = await fakeInstall({ 'package.json': JSON.stringify({ name: 'cnn-studio' }), 'out/main/chunks/x.js': '' });
    expect(findAppRoot(join(root, 'out', 'main', 'chunks'))).toBe(root);
  });

  it('skips_other_packages_package_json_on_the_way_up', async () => {
    const root = await fakeInstall({
      'package.json': JSON.stringify({ name: 'cnn-studio' }),
      'node_modules/other/package.json': JSON.stringify({ name: 'other' }),
      'node_modules/other/lib/x.js': '',
    });
    expect(findAppRoot(join(root, 'node_modules', 'other', 'lib'))).toBe(root);
  });

  it('refuses_with_a_sentence_when_no_studio_package_is_above', async () => {
    const root = await fakeInstall({ 'package.json': '{ not json', 'a/b.txt': '' });
    const read = (path: string) => (path.startsWith(root) && existsSync(path) ? readFileSync(path, 'utf8') : null);
    expect(() => findAppRoot(join(root, 'a'), read)).toThrow(StudioError);
    expect(() => findAppRoot(join(root, 'a'), read)).toThrow(/cannot find its own files/);
  });

  it('maps_every_asset_into_a_packaged_app_by_its_packaging', () => {
    const asar = join('/opt', 'CNN Studio', 'resources', 'app.asar');
    const assets = createAssetResolver({ appRoot: asar, exists: () => true });
    expect(isPackagedRoot(asar)).toBe(true);
    expect(assets.packaged).toBe(true);
    expect(assets.path('rendererIndex')).toBe(join(asar, 'out', 'renderer', 'index.html'));
    expect(assets.path('preload')).toBe(join(asar, 'out', 'preload', 'index.cjs'));
    expect(assets.path('sampleProject')).toBe(join('/opt', 'CNN Studio', 'resources', 'samples', 'lenet5-fashion.cnnstudio'));
    expect(assets.path('onnxSchema')).toBe(join('/opt', 'CNN Studio', 'resources', 'onnx', 'onnx.proto'));
    expect(assets.path('tfjsWasmBinaries')).toBe(join(`${asar}.unpacked`, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'));
  });

  it('takes_electrons_resources_path_when_given', () => {
    const assets = createAssetResolver({ appRoot: '/x/app.asar', resourcesPath: '/elsewhere/res', exists: () => true });
    expect(assets.path('sampleDataset')).toBe(join('/elsewhere/res', 'datasets', 'fashion-mnist-sample'));
  });

  it('names_a_missing_asset_and_what_to_do', () => {
    const assets = createAssetResolver({ appRoot: REPO, exists: () => false });
    const error = (() => {
      try {
        assets.require('rendererIndex');
      } catch (e) {
        return e as StudioError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('file-not-found');
    expect(error.message).toBe(`The window's page cannot be found: ${join(REPO, 'out', 'renderer', 'index.html')} does not exist.`);
    expect(error.hint).toMatch(/npm run build/);
    const packaged = createAssetResolver({ appRoot: '/x/app.asar', exists: () => false });
    expect(() => packaged.require('sampleProject')).toThrow(/cannot be found/);
  });

  it('lists_every_asset_with_where_it_is_and_whether_it_is_there', () => {
    const listed = defaultAssetResolver().list();
    expect(listed.map((l) => l.asset.id)).toEqual(RUNTIME_ASSETS.map((a) => a.id));
    // Everything that is not a build output is in the repository or node_modules.
    for (const { asset, present, path } of listed) {
      if (!asset.path.startsWith('out/')) expect(present, `${asset.id} at ${path}`).toBe(true);
    }
  });

  it('declares_unique_ids_and_relative_forward_slash_paths', () => {
    expect(new Set(RUNTIME_ASSETS.map((a) => a.id)).size).toBe(RUNTIME_ASSETS.length);
    for (const asset of RUNTIME_ASSETS) {
      expect(asset.path).not.toMatch(/^\/|\\|\.\./);
      if (asset.packaging === 'extraResources') expect(asset.path.startsWith('resources/')).toBe(true);
      expect(packagedLocation(asset).path).not.toMatch(/^resources\//);
    }
  });

  it('names_the_same_sample_as_npm_start', () => {
    const script = readFileSync(join(REPO, 'scripts', 'start.mjs'), 'utf8');
    const sample = RUNTIME_ASSETS.find((a) => a.id === 'sampleProject')!.path;
    expect(script).toContain(`const SAMPLE_PROJECT = '${sample}';`);
  });
});
