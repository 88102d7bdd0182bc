#!/usr/bin/env node
// The CLI is built by `electron-vite build` (npm run build / npm start / npm test / npm pack).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('Error: cnn-studio is not built yet. Run "npm run build" in the CNN Studio folder first.\n');
  process.exit(1);
}
await import(entry.href);
