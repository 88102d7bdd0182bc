import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import loadBuilderConfiguration, { installedElectron, PRODUCT_NAME } from '../../electron-builder.config';
import { assetGlob } from '../../scripts/packaging/installer-files';
import { createAssetResolver } from '../../src/main/services/resources/asset-resolver';
import type { RuntimeAsset } from '../../src/main/services/resources/runtime-assets';
import { RUNTIME_ASSETS } from '../../src/main/services/resources/runtime-assets';
import { asarEntry, asarFiles } from './support/asar-archive';
import { globMatcher } from './support/glob-pattern';
import type { PackagedApp } from './support/packaged-app';
import { asPlainFiles, findPackagedApp, packagedExists, standInElectron } from './support/packaged-app';
import type { InstalledStudio } from './support/studio-smoke';
import { checkInspect, checkOnnxExport, checkServe, checkTemplates, checkTrain } from './support/studio-smoke';

/**
 * The app electron-builder packs from this configuration (its `dir` target for this machine: the
 * folder every installer of this platform wraps): every run-time asset the code resolves is where the
 * resolver looks in a packaged app, unpacked where it must be a real file, and the CLI runs end to
 * end from the packed files. With Electron's binary installed (node_modules/electron/dist, as in the
 * release workflow) the packed CLI runs inside Electron (ELECTRON_RUN_AS_NODE, reading app.asar);
 * without it (ELECTRON_SKIP_BINARY_DOWNLOAD machines, Linux only) a stand-in takes Electron's place in
 * the folder and the packed files run with Node, the archive extracted.
 */

const REPO = resolve(import.meta.dirname, '../..');
const BUILT = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const BUILD_TIMEOUT = 900_000;
const NATIVE = /\.(node|dll|dylib|so)(\.\d+)*$/;

let temp: string;
let app: PackagedApp;
let studio: InstalledStudio;
let realElectron: boolean;

function hostArch(): Arch {
  if (process.arch === 'x64') return Arch.x64;
  if (process.arch === 'arm64') return Arch.arm64;
  throw new Error(`The packaged-app test runs on x64 or arm64 machines, not ${process.arch}.`);
}

beforeAll(async () => {
  const missing = BUILT.filter((p) => !existsSync(join(REPO, p)));
  if (missing.length) throw new Error(`The build is missing (${missing.join(', ')}): run "npm run build" first (npm test does).`);
  temp = await mkdtemp(join(tmpdir(), 'cnn-packaged-'));
  const installed = installedElectron(REPO)({ platformName: process.platform, arch: process.arch });
  realElectron = installed !== null;
  const config = await loadBuilderConfiguration();
  let electronDist: string | undefined;
  if (!realElectron) {
    if (process.platform !== 'linux') throw new Error(`Electron's binary is not installed (node_modules/electron/dist): this test packs a Linux stand-in only, and this is ${process.platform}.`);
    const pkg = JSON.parse(await readFile(join(REPO, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
    electronDist = await standInElectron(join(temp, 'electron'), pkg.version);
  }
  const output = join(temp, 'dist');
  await build({
    projectDir: REPO,
    targets: Platform.current().createTarget('dir', hostArch()),
    publish: 'never',
    config: { ...config, directories: { output }, ...(electronDist ? { electronDist } : {}) },
  });
  app = findPackagedApp(output, PRODUCT_NAME, 'cnn-studio');

  const workDir = join(temp, 'work');
  await mkdir(workDir, { recursive: true });
  const env = { ...process.env, CNN_STUDIO_HOME: join(temp, 'home') };
  if (realElectron) {
    const electronAsNode = { command: app.executable, args: [], env: { ...env, ELECTRON_RUN_AS_NODE: '1' } };
    const appRoot = join(app.resources, 'app.asar');
    const assets = createAssetResolver({ appRoot, resourcesPath: app.resources, exists: packagedExists(app) });
    studio = {
      cli: { ...electronAsNode, args: [join(appRoot, 'out', 'main', 'cli.js')] },
      script: electronAsNode,
      requireFrom: join(appRoot, 'package.json'),
      sampleProject: assets.path('sampleProject'),
      sampleDataset: assets.path('sampleDataset'),
      workDir,
    };
  } else {
    const resources = await asPlainFiles(app, join(temp, 'plain', 'resources'));
    const appRoot = join(resources, 'app.asar');
    const assets = createAssetResolver({ appRoot });
    studio = {
      cli: { command: process.execPath, args: [join(appRoot, 'out', 'main', 'cli.js')], env },
      script: { command: process.execPath, args: [], env },
      requireFrom: join(appRoot, 'package.json'),
      sampleProject: assets.path('sampleProject'),
      sampleDataset: assets.path('sampleDataset'),
      workDir,
    };
  }
}, BUILD_TIMEOUT);

afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('the packaged app (electron-builder dir target for this machine)', () => {
  it('packs the built code and no benchmark, sources, tests or development tools', () => {
    for (const path of BUILT.concat(['out/main/engine.js', 'out/main/decode-worker.js', 'package.json'])) expect(asarEntry(app.asar, path), path).not.toBeNull();
    for (const path of ['out/main/bench.js', 'src', 'test', 'bench', 'scripts', 'node_modules/electron', 'node_modules/electron-builder', 'node_modules/vite', 'node_modules/typescript', 'node_modules/vue']) {
      expect(asarEntry(app.asar, path), path).toBeNull();
    }
  });

  it('puts every run-time asset where the resolver looks in a packaged app', () => {
    const assets = createAssetResolver({ appRoot: join(app.resources, 'app.asar'), resourcesPath: app.resources, exists: packagedExists(app) });
    expect(assets.packaged).toBe(true);
    expect(assets.list().filter((l) => !l.present).map((l) => `${l.asset.id} at ${l.path}`)).toEqual([]);
  });

  it.each((RUNTIME_ASSETS as readonly RuntimeAsset[]).filter((a) => a.packaging === 'asarUnpacked').map((a) => [a.id, a] as const))('keeps %s out of the archive as real files', (_id, asset) => {
    const matches = globMatcher(assetGlob(asset));
    const files = asarFiles(app.asar).filter((f) => matches(f.path));
    expect(files.length).toBeGreaterThan(0);
    for (const { path, file } of files) {
      expect('unpacked' in file && file.unpacked, path).toBe(true);
      expect(existsSync(join(app.resources, 'app.asar.unpacked', ...path.split('/'))), path).toBe(true);
    }
  });

  it.each((RUNTIME_ASSETS as readonly RuntimeAsset[]).filter((a) => a.packaging === 'extraResources').map((a) => [a.id, a] as const))('copies %s beside the archive and not into it', (_id, asset) => {
    expect(asarEntry(app.asar, asset.path)).toBeNull();
  });

  it('unpacks every native binary of the dependencies', () => {
    const packed = asarFiles(app.asar).filter((f) => NATIVE.test(f.path) && !('unpacked' in f.file && f.file.unpacked));
    expect(packed.map((f) => f.path)).toEqual([]);
    expect(asarFiles(app.asar).filter((f) => NATIVE.test(f.path)).length).toBeGreaterThan(0);
  });

  it("carries only this platform's native binaries, no native TensorFlow and no source maps", () => {
    const paths = asarFiles(app.asar).map((f) => f.path);
    const onnxruntime = paths.filter((p) => p.startsWith('node_modules/onnxruntime-node/bin/')).map((p) => p.split('/').slice(3, 6).join('/'));
    expect(onnxruntime.length).toBeGreaterThan(0);
    expect([...new Set(onnxruntime)]).toEqual([`napi-v6/${process.platform}/${process.arch}`]);
    const webgpu = [...new Set(paths.filter((p) => p.startsWith('node_modules/webgpu/dist/')).map((p) => p.split('/')[3]))];
    expect(webgpu.every((folder) => folder === `${process.platform}-${process.arch}` || folder === `${process.platform}-universal`), webgpu.join(', ')).toBe(true);
    expect(paths.filter((p) => p.startsWith('node_modules/@tensorflow/tfjs-node'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
  });

  it("leaves out Electron's default app", () => {
    expect(existsSync(join(app.resources, 'default_app.asar'))).toBe(false);
  });

  it('runs cnn-studio templates and inspect from the packed files', async () => {
    await checkTemplates(studio);
    await checkInspect(studio);
  });

  it('trains the shipped sample for one epoch on WebAssembly and exports ONNX that the packed onnxruntime-node runs', async () => {
    const runDir = await checkTrain(studio);
    await checkOnnxExport(studio, runDir);
  }, 600_000);

  it("serves the packed window's files with the token", async () => {
    await checkServe(studio);
  });
});
