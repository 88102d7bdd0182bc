#!/usr/bin/env node
// `npm run dist`: builds the installers for this machine's platform into dist/ (Windows: NSIS x64;
// macOS: dmg x64 and arm64; Linux: AppImage and deb x64) with electron-builder, configured by
// electron-builder.config.ts. Arguments after `--` go to electron-builder (`npm run dist -- --dir`
// stops at the unpacked app). Electron's binary must be installed: without it this stops at once
// with a sentence instead of letting electron-builder try (and, offline, wait on) a download.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORM_FLAGS = { darwin: '--mac', win32: '--win', linux: '--linux' };

function fail(sentence) {
  process.stderr.write(`Error: ${sentence}\n`);
  process.exit(1);
}

/** Electron's binary as node_modules/electron installed it, or why there is none. */
function electronBinary() {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
  } catch {
    // node_modules/electron without its binary throws ("Electron failed to install correctly").
  }
  return { missing: true };
}

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) fail(`${label} could not start (${result.error.message}).`);
  if (result.status !== 0) fail(`${label} failed (see above); no installer was written.`);
}

const flag = PLATFORM_FLAGS[process.platform];
if (!flag) fail(`CNN Studio's installers are built on Windows, macOS or Linux, not on ${process.platform}.`);

if (electronBinary().missing) {
  fail(
    "the installers cannot be built here because Electron's binary is not installed (node_modules/electron/dist is missing: " +
      'npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or could not download it). On a machine that can reach GitHub, ' +
      'run "node node_modules/electron/install.js" and then "npm run dist" again; otherwise let the release workflow ' +
      '(.github/workflows/release.yml) build them.',
  );
}

process.stderr.write('Building CNN Studio (electron-vite build)...\n');
run('The build', process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);

process.stderr.write(`Packing the installers for ${process.platform} (electron-builder ${flag})...\n`);
// electron-builder finds electron-builder.{yml,json,js,ts} by itself, not *.config.ts: name it.
const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
run('electron-builder', process.execPath, [builder, flag, '--config', 'electron-builder.config.ts', '--publish', 'never', ...process.argv.slice(2)]);
process.stderr.write(`Done: see ${join(root, 'dist')}.\n`);
