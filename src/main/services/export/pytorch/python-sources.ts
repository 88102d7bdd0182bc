import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileReadError } from '../../files/atomic-write';
import type { AssetResolver } from '../../resources/asset-resolver';
import { defaultAssetResolver } from '../../resources/asset-resolver';
import type { FolderFile } from '../output-paths';

/**
 * The package's fixed Python files, kept as real sources in resources/pytorch (readable, and checked
 * by Python itself in the tests); model.py and the settings are generated per export.
 */
export const PYTHON_SOURCE_FILES = ['train.py', 'data.py', 'studio_format.py', 'export_onnx.py'] as const;

/** Reads the fixed Python files from this installation. */
export async function readPythonSources(resolver: AssetResolver = defaultAssetResolver()): Promise<FolderFile[]> {
  const folder = resolver.require('pytorchPackage');
  return Promise.all(
    PYTHON_SOURCE_FILES.map(async (name) => {
      const path = join(folder, name);
      try {
        return { name, data: new Uint8Array(await readFile(path)) };
      } catch (error) {
        throw fileReadError(path, error, 'a file of the PyTorch package');
      }
    }),
  );
}
