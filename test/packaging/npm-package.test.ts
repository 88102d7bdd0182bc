import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssetResolver } from '../../src/main/services/resources/asset-resolver';
import { RUNTIME_ASSETS } from '../../src/main/services/resources/runtime-assets';
import { globMatcher } from './support/glob-pattern';
import type { Launcher } from './support/process-runner';
import { describeRun, npmLauncher, runProcess, userEnv } from './support/process-runner';
import type { InstalledStudio } from './support/studio-smoke';
import { checkInspect, checkOnnxExport, checkServe, checkTemplates, checkTrain } from './support/studio-smoke';

/**
 * `npm install -g` of the packed package gives a working `cnn-studio`: the tarball `npm pack` makes
 * from the built tree is installed with production dependencies only into an empty prefix, and the
 * installed command runs end to end. A run-time need that is only a devDependency, or a file missing
 * from the package, fails here. (npm test builds out/ before Vitest runs; the pack uses that build.)
 */

const REPO = resolve(import.meta.dirname, '../..');
const BUILT = ['out/main/cli.js', 'out/main/engine.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
// A global install of a package pulls from the npm registry (or npm's cache): minutes on a cold cache.
const INSTALL_TIMEOUT = 600_000;

let temp: string;
let packedFiles: string[];
let installed: string;
let studio: InstalledStudio;

/** Where `npm install -g --prefix P` puts a package and its command, per platform. */
function globalLayout(prefix: string, name: string): { packageDir: string; bin: string } {
  return process.platform === 'win32'
    ? { packageDir: join(prefix, 'node_modules', name), bin: join(prefix, `${name}.cmd`) }
    : { packageDir: join(prefix, 'lib', 'node_modules', name), bin: join(prefix, 'bin', name) };
}

beforeAll(async () => {
  const missing = BUILT.filter((p) => !existsSync(join(REPO, p)));
  if (missing.length) throw new Error(`The build is missing (${missing.join(', ')}): run "npm run build" first (npm test does).`);
  temp = await mkdtemp(join(tmpdir(), 'cnn-npm-package-'));
  const env = userEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip', CNN_STUDIO_HOME: join(temp, 'home') });
  const npm = npmLauncher(env);

  // --ignore-scripts: `prepack` would rebuild out/ under the other test files' feet; it is fresh already.
  const packArgs = ['pack', '--ignore-scripts', '--json', '--pack-destination', temp];
  const pack = await runProcess(npm, packArgs, { cwd: REPO, timeoutMs: 120_000 });
  expect(pack.code, describeRun(packArgs, pack)).toBe(0);
  const [summary] = JSON.parse(pack.stdout) as { filename: string; name: string; files: { path: string }[] }[];
  packedFiles = summary!.files.map((f) => f.path);

  const prefix = join(temp, 'prefix');
  await mkdir(prefix, { recursive: true });
  const installArgs = ['install', '--global', '--prefix', prefix, '--omit=dev', '--ignore-scripts=false', '--prefer-offline', '--no-audit', '--no-fund', join(temp, summary!.filename)];
  const install = await runProcess(npm, installArgs, { cwd: temp, timeoutMs: INSTALL_TIMEOUT });
  expect(install.code, describeRun(installArgs, install)).toBe(0);

  const layout = globalLayout(prefix, summary!.name);
  installed = layout.packageDir;
  // npm's Windows shim is a .cmd (a shell script); there the command's own file is run with Node.
  const cli: Launcher = process.platform === 'win32' ? { command: process.execPath, args: [join(installed, 'bin', 'cnn-studio.js')], env } : { command: layout.bin, args: [], env };
  const workDir = join(temp, 'work');
  await mkdir(workDir, { recursive: true });
  const assets = createAssetResolver({ appRoot: installed });
  studio = {
    cli,
    script: { command: process.execPath, args: [], env },
    requireFrom: join(installed, 'package.json'),
    sampleProject: assets.path('sampleProject'),
    sampleDataset: assets.path('sampleDataset'),
    workDir,
  };
}, INSTALL_TIMEOUT + 180_000);

afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('the npm package (npm pack, then npm install -g with production dependencies only)', () => {
  it('packs the built app and the files it loads, and no sources, tests or benchmark', () => {
    for (const path of ['package.json', 'bin/cnn-studio.js', ...BUILT]) expect(packedFiles, path).toContain(path);
    for (const asset of RUNTIME_ASSETS.filter((a) => !a.path.startsWith('node_modules/'))) {
      if (asset.type === 'file') {
        expect(packedFiles, asset.id).toContain(asset.path);
      } else {
        const matches = globMatcher('files' in asset ? asset.files : '**/*');
        const inside = packedFiles.filter((p) => p.startsWith(`${asset.path}/`) && matches(p.slice(asset.path.length + 1)));
        expect(inside.length, asset.id).toBeGreaterThan(0);
      }
    }
    expect(packedFiles.filter((p) => /^(src|test|bench|scripts)\//.test(p) || p === 'out/main/bench.js')).toEqual([]);
  });

  it('installs the command and every run-time asset, without the development dependencies', async () => {
    const listed = createAssetResolver({ appRoot: installed }).list();
    expect(listed.filter((l) => !l.present).map((l) => `${l.asset.id} at ${l.path}`)).toEqual([]);
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; bin: Record<string, string> };
    // The development tools (no production dependency needs them) must not come along.
    const tools = ['electron', 'electron-builder', 'electron-vite', 'vite', 'vitest', 'typescript', 'vue', 'eslint'];
    expect(tools.filter((name) => !(name in pkg.devDependencies))).toEqual([]);
    expect(tools.filter((name) => existsSync(join(installed, 'node_modules', name)))).toEqual([]);
    expect(Object.keys(pkg.bin)).toEqual(['cnn-studio']);
  });

  it('runs cnn-studio templates', async () => {
    await checkTemplates(studio);
  });

  it('runs cnn-studio inspect on the shipped sample project', async () => {
    await checkInspect(studio);
  });

  it('trains the sample project for one epoch on WebAssembly, then exports it to ONNX that onnxruntime-node runs', async () => {
    const runDir = await checkTrain(studio);
    await checkOnnxExport(studio, runDir);
  }, 600_000);

  it('serves the studio with its token (and refuses requests without it)', async () => {
    await checkServe(studio);
  });
});
