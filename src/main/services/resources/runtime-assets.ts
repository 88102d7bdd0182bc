/**
 * Everything the studio loads from disk at run time, named once. The resolver (`asset-resolver.ts`)
 * finds each from the source tree, the built `out/` folder, an installed npm package, or a packaged
 * Electron app; the installer build (electron-builder) reads this list to pack and unpack the same
 * files, so the two cannot drift apart.
 */

/**
 * Where an asset lives in a packaged Electron app:
 * - `asar`: inside `resources/app.asar` (Electron reads it in place);
 * - `asarUnpacked`: in `resources/app.asar.unpacked` (native binaries and WebAssembly that a
 *   library opens by path, which must be real files);
 * - `extraResources`: beside the asar in `resources/` (data users may open and browse: the sample
 *   project and dataset, the ONNX schema), at its path without the leading `resources/`.
 */
export type AssetPackaging = 'asar' | 'asarUnpacked' | 'extraResources';

export interface RuntimeAsset {
  id: AssetId;
  /** A noun phrase for messages: "The sample project". */
  label: string;
  /** The path from the app's root (the repository, the installed package, or `app.asar`), with `/`. */
  path: string;
  type: 'file' | 'folder';
  packaging: AssetPackaging;
  /** Within a folder, the files that matter (a glob for the installer build), when not all of them. */
  files?: string;
  /** Who finds it: the studio's code through this resolver, or a library by its own means. */
  locatedBy: 'studio' | 'library';
  /** What it is for. */
  doc: string;
}

export const RUNTIME_ASSETS = [
  {
    id: 'rendererBundle',
    label: "The window's built files",
    path: 'out/renderer',
    type: 'folder',
    packaging: 'asar',
    locatedBy: 'studio',
    doc: 'The built window (Vue app): loaded by the Electron window and served by browser mode.',
  },
  {
    id: 'rendererIndex',
    label: "The window's page",
    path: 'out/renderer/index.html',
    type: 'file',
    packaging: 'asar',
    locatedBy: 'studio',
    doc: "The window's page.",
  },
  {
    id: 'preload',
    label: "The window's preload script",
    path: 'out/preload/index.cjs',
    type: 'file',
    packaging: 'asar',
    locatedBy: 'studio',
    doc: "The Electron window's preload (the api bridge), one CommonJS file.",
  },
  {
    id: 'sampleProject',
    label: 'The sample project',
    path: 'resources/samples/lenet5-fashion.cnnstudio',
    type: 'file',
    packaging: 'extraResources',
    locatedBy: 'studio',
    doc: 'The sample project: LeNet-5 on the Fashion-MNIST sample (what `npm start` opens).',
  },
  {
    id: 'sampleDataset',
    label: 'The sample dataset',
    path: 'resources/datasets/fashion-mnist-sample',
    type: 'folder',
    packaging: 'extraResources',
    locatedBy: 'studio',
    doc: 'The sample dataset (train/ and test/, one folder per class) with its licence.',
  },
  {
    id: 'onnxSchema',
    label: 'The ONNX schema',
    path: 'resources/onnx/onnx.proto',
    type: 'file',
    packaging: 'extraResources',
    locatedBy: 'studio',
    doc: 'The ONNX protobuf schema the exporter and importer parse.',
  },
  {
    id: 'pytorchPackage',
    label: 'The PyTorch package sources',
    path: 'resources/pytorch',
    type: 'folder',
    files: '*.py',
    packaging: 'extraResources',
    locatedBy: 'studio',
    doc: 'The Python files of a PyTorch training package (train.py, data.py, studio_format.py, export_onnx.py), copied into every export.',
  },
  {
    id: 'tfjsWasmBinaries',
    label: "TensorFlow.js's WebAssembly files",
    path: 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
    type: 'folder',
    files: '*.wasm',
    packaging: 'asarUnpacked',
    locatedBy: 'library',
    doc: "TensorFlow.js's WebAssembly backend binaries, read by path by @tensorflow/tfjs-backend-wasm.",
  },
  {
    id: 'tfjsWasmThreadedBuild',
    label: "TensorFlow.js's threaded WebAssembly build",
    path: 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out',
    type: 'folder',
    files: 'tfjs-backend-wasm-threaded-simd.*',
    packaging: 'asarUnpacked',
    locatedBy: 'library',
    doc: 'The threaded build (Emscripten glue, pthread worker script, binary), found through Node module resolution and read by path by engine/parallel/threaded-wasm.ts; its worker threads load the glue again by that path.',
  },
  {
    id: 'onnxruntimeBinaries',
    label: "ONNX Runtime's native files",
    path: 'node_modules/onnxruntime-node/bin',
    type: 'folder',
    packaging: 'asarUnpacked',
    locatedBy: 'library',
    doc: "onnxruntime-node's native addon and shared libraries.",
  },
  {
    id: 'webgpuBinaries',
    label: "Dawn's WebGPU files",
    path: 'node_modules/webgpu/dist',
    type: 'folder',
    packaging: 'asarUnpacked',
    locatedBy: 'library',
    doc: "The webgpu package's dawn.node (a Node-API addon loaded by path, one folder per platform) and, on Windows, the DirectX shader compilers beside it.",
  },
  {
    id: 'sharpBinaries',
    label: "sharp's native files",
    path: 'node_modules/@img',
    type: 'folder',
    packaging: 'asarUnpacked',
    locatedBy: 'library',
    doc: "sharp's native addon and libvips (@img/sharp-<platform> packages).",
  },
] as const satisfies readonly (Omit<RuntimeAsset, 'id'> & { id: string })[];

export type AssetId = (typeof RUNTIME_ASSETS)[number]['id'];

/** The declaration of one asset. */
export function runtimeAsset(id: AssetId): RuntimeAsset {
  return RUNTIME_ASSETS.find((a) => a.id === id)!;
}

/** Where an asset lies in a packaged app: a base folder and the path below it. */
export function packagedLocation(asset: Pick<RuntimeAsset, 'path' | 'packaging'>): { base: 'app.asar' | 'app.asar.unpacked' | 'resources'; path: string } {
  switch (asset.packaging) {
    case 'asar':
      return { base: 'app.asar', path: asset.path };
    case 'asarUnpacked':
      return { base: 'app.asar.unpacked', path: asset.path };
    case 'extraResources':
      return { base: 'resources', path: asset.path.replace(/^resources\//, '') };
  }
}
