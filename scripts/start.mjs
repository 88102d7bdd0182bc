#!/usr/bin/env node
// `npm start`: builds when the sources are newer than out/, then opens the sample project (or the
// project files given after `npm start --`) in the desktop app, or in browser mode when Electron's
// binary or a display is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The same file as the `sampleProject` asset in src/main/services/resources/runtime-assets.ts (a test compares them).
const SAMPLE_PROJECT = 'resources/samples/lenet5-fashion.cnnstudio';
const OUTPUTS = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function buildIsStale() {
  const outputs = OUTPUTS.map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return true;
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const newestInput = Math.max(...INPUTS.map((p) => join(root, p)).filter((p) => existsSync(p)).map(newestMtime));
  return newestInput > oldestOutput;
}

/** Electron's binary, or the reason there is none (an install with ELECTRON_SKIP_BINARY_DOWNLOAD=1). */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: "Electron's binary is not installed (it was skipped at npm install)" };
  } catch {
    return { missing: "Electron's binary is not installed (it was skipped at npm install)" };
  }
}

function displayProblem() {
  if (process.platform !== 'linux') return null;
  return process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? null : 'there is no display (DISPLAY and WAYLAND_DISPLAY are not set)';
}

function run(command, args) {
  // On POSIX the child gets its own process group and this process forwards Ctrl-C once (the
  // terminal would otherwise deliver it twice, and a second Ctrl-C means "stop now" to the CLI).
  // On Windows every process of the console gets Ctrl-C by itself.
  const own = process.platform !== 'win32';
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: own });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (own && child.exitCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}

if (buildIsStale()) {
  process.stderr.write('Building CNN Studio (electron-vite build)...\n');
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const build = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('Error: the build failed (see above); fix it and run "npm start" again.\n');
    process.exit(build.status ?? 1);
  }
}

const requested = process.argv.slice(2).map((p) => resolve(process.cwd(), p));
const projects = requested.length ? requested : [join(root, SAMPLE_PROJECT)];
const electron = electronBinary();
const noDisplay = displayProblem();

if (electron.path && !noDisplay) {
  run(electron.path, [root, ...projects]);
} else {
  const why = electron.missing ?? noDisplay;
  process.stderr.write(`The desktop app cannot start here because ${why}, so CNN Studio opens in browser mode instead.\n`);
  run(process.execPath, [join(root, 'bin', 'cnn-studio.js'), 'serve', '--open-project', projects[0]]);
}
