import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { installerFiles } from './scripts/packaging/installer-files';
import { linuxMimeInfo, mimeIconName, PROJECT_FILE_TYPE } from './scripts/packaging/project-file-type';
import { ICON_OUTPUT_DIR, iconPaths, LINUX_ICON_SIZES, renderIcons } from './scripts/packaging/render-icons';
import { writeFileAtomic } from './src/main/services/files/atomic-write';

/**
 * The installers (electron-builder): Windows NSIS (x64), macOS dmg (x64, arm64), Linux AppImage and
 * deb (x64). The version is package.json's. What goes into the app, what stays unpacked beside the
 * archive and what is copied next to it all come from the run-time asset list (RUNTIME_ASSETS, through
 * scripts/packaging/installer-files.ts). `npm run dist` (scripts/dist.mjs) builds and runs this.
 */

const ROOT = dirname(fileURLToPath(import.meta.url));

export const PRODUCT_NAME = 'CNN Studio';
export const APP_ID = 'org.cnnstudio.desktop';

/** The built code: the main-process bundles (app, CLI, engine process, decode worker) and their chunks; the benchmark stays out. */
export const APP_CODE = ['out/main/**/*', '!out/main/bench.js'];

/**
 * Dependency files the installers leave out. Built on each platform for itself (`${platform}` is the
 * building machine's, `${arch}` the target's), so only that platform's native binaries travel:
 * onnxruntime-node and webgpu ship every platform's in one package. Source maps are half of
 * TensorFlow.js's size and nothing reads them. The native TensorFlow packages stay optional: the
 * installers carry none (WebAssembly needs no download), whatever the building machine has.
 */
export const DEPENDENCY_EXCLUDES = [
  '!**/node_modules/**/*.map',
  '!node_modules/onnxruntime-node/bin/napi-v6/!(${platform})/**',
  '!node_modules/onnxruntime-node/bin/napi-v6/${platform}/!(${arch})/**',
  '!node_modules/webgpu/dist/!(${platform}-${arch}|${platform}-universal)/**',
  '!node_modules/@tensorflow/tfjs-node/**',
  '!node_modules/@tensorflow/tfjs-node-gpu/**',
];

/** Where the deb package puts the project file type's definition and icons (see project-file-type.ts). */
export const LINUX_MIME_FILE = `${ICON_OUTPUT_DIR}/cnn-studio-project.xml`;

/**
 * The deb package's extra files, as fpm `source=destination` pairs: the MIME type of `.cnnstudio` files
 * and its icon in every size (electron-builder's own definition would name a generic document icon).
 */
export function debFileTypeFiles(root: string = ROOT): string[] {
  const icons = iconPaths('project');
  return [
    `${join(root, LINUX_MIME_FILE)}=/usr/share/mime/packages/cnn-studio-project.xml`,
    ...LINUX_ICON_SIZES.map((size) => `${join(root, icons.pngDir, `${size}x${size}.png`)}=/usr/share/icons/hicolor/${size}x${size}/mimetypes/${mimeIconName()}.png`),
  ];
}

/** What electron-builder's afterExtract hook is told: the app folder, holding Electron as unpacked. */
interface UnpackedElectron {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string } };
}

type ElectronDistHook = Extract<Configuration['electronDist'], (...args: never[]) => unknown>;

/**
 * Electron's binary as `npm install` put it (node_modules/electron/dist) for the platform and
 * architecture it was installed for: packing it needs no download. Other architectures (the Intel
 * dmg built on Apple silicon) are downloaded by electron-builder, which the release workflow allows.
 */
export function installedElectron(root: string = ROOT): (target: { platformName: string; arch: string }) => string | null {
  const dist = join(root, 'node_modules', 'electron', 'dist');
  return (target) => (target.platformName === process.platform && target.arch === process.arch && existsSync(dist) ? dist : null);
}

/**
 * An installed Electron folder carries its demo app (default_app.asar), which the studio has no use
 * for; it goes before the archive integrity is computed over the resources folder.
 */
async function dropDefaultApp(context: UnpackedElectron): Promise<void> {
  const mac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  const resources = mac ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources') : join(context.appOutDir, 'resources');
  await rm(join(resources, 'default_app.asar'), { force: true });
}

/** The installer configuration (no side effects: the default export renders the icons it names first). */
export function builderConfiguration(root: string = ROOT): Configuration {
  const layout = installerFiles();
  const appIcon = iconPaths('app');
  // Without an extension electron-builder takes `.icns` on macOS and `.ico` on Windows.
  const projectIcon = iconPaths('project').ico.replace(/\.ico$/, '');
  const signed = Boolean(process.env.CSC_LINK);
  return {
    appId: APP_ID,
    productName: PRODUCT_NAME,
    copyright: 'Copyright © CNN Studio contributors',
    directories: { output: 'dist' },
    files: [...APP_CODE, ...layout.files, ...DEPENDENCY_EXCLUDES],
    asar: true,
    asarUnpack: layout.asarUnpack,
    extraResources: layout.extraResources,
    // The native dependencies are Node-API prebuilt binaries that load in Electron as they are; a
    // rebuild would need compilers and @electron/rebuild, which wants Node 22.
    npmRebuild: false,
    // electron-builder downloads Electron when this hook answers null (app-builder-lib's
    // ElectronFramework `unpack`), though its type only declares a path.
    electronDist: installedElectron(root) as ElectronDistHook,
    afterExtract: dropDefaultApp,
    artifactName: '${name}-${version}-${os}-${arch}.${ext}',
    fileAssociations: [
      { ext: PROJECT_FILE_TYPE.ext, name: PROJECT_FILE_TYPE.name, description: PROJECT_FILE_TYPE.description, role: 'Editor', icon: projectIcon },
    ],
    mac: {
      target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
      icon: appIcon.icns,
      category: 'public.app-category.developer-tools',
      // Without a Developer ID certificate (CSC_LINK) the app is signed ad hoc: Apple silicon runs
      // nothing unsigned, and the hardened runtime would refuse the ad hoc-signed native addons.
      identity: signed ? undefined : '-',
      hardenedRuntime: signed,
      extendInfo: {
        UTExportedTypeDeclarations: [
          {
            UTTypeIdentifier: PROJECT_FILE_TYPE.uti,
            UTTypeDescription: PROJECT_FILE_TYPE.description,
            UTTypeConformsTo: ['public.json', 'public.data'],
            UTTypeIconFile: 'project.icns',
            UTTypeTagSpecification: { 'public.filename-extension': [PROJECT_FILE_TYPE.ext], 'public.mime-type': [PROJECT_FILE_TYPE.mimeType] },
          },
        ],
      },
    },
    win: {
      target: [{ target: 'nsis', arch: ['x64'] }],
      icon: appIcon.ico,
    },
    nsis: {
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      shortcutName: PRODUCT_NAME,
      uninstallDisplayName: PRODUCT_NAME,
    },
    linux: {
      target: [
        { target: 'AppImage', arch: ['x64'] },
        { target: 'deb', arch: ['x64'] },
      ],
      icon: appIcon.pngDir,
      executableName: 'cnn-studio',
      // The .desktop file is named after package.json's desktopName, which Electron makes the windows'
      // app id (WM_CLASS): the desktop then shows the running app under its launcher entry.
      syncDesktopName: true,
      category: 'Development',
      synopsis: 'Build, train, inspect and export convolutional neural networks',
      maintainer: 'CNN Studio contributors',
      mimeTypes: [PROJECT_FILE_TYPE.mimeType],
    },
    deb: {
      artifactName: '${name}_${version}_${arch}.${ext}',
      fpm: debFileTypeFiles(root),
    },
  };
}

/** What electron-builder loads: the icons and the file type definition are rendered, then the configuration returned. */
export default async function loadBuilderConfiguration(): Promise<Configuration> {
  await renderIcons(ROOT);
  await writeFileAtomic(join(ROOT, LINUX_MIME_FILE), linuxMimeInfo(), { what: 'the project file type definition' });
  return builderConfiguration(ROOT);
}
