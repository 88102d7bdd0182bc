import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Three main-side entries share one bundle folder: the Electron app, the plain-Node CLI (also the
 * browser-mode server) and the engine process that owns TensorFlow.js. Dependencies stay external so
 * that native addons (onnxruntime-node, sharp, tfjs-node) load from node_modules at run time.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'src/main/app/index.ts'),
          cli: resolve(root, 'src/main/cli/index.ts'),
          engine: resolve(root, 'src/main/services/training/engine-entry.ts'),
          // Found at run time beside the module that starts it (src/main/services/data/decode-worker-location.ts).
          'decode-worker': resolve(root, 'src/main/services/data/decode-worker.ts'),
          // Found at run time beside the module that starts it (src/main/services/engine/parallel/replica-worker-location.ts).
          'replica-worker': resolve(root, 'src/main/services/engine/parallel/replica-worker.ts'),
          bench: resolve(root, 'bench/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load ES modules or node_modules: emit one self-contained CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [vue()],
    build: {
      rollupOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
