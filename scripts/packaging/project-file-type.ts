import { PROJECT_EXTENSION } from '../../src/shared/project/schema';

/**
 * The `.cnnstudio` project file as the operating systems know it: the installers register it so
 * that a double-click opens the studio, and show it with the project icon.
 */
export const PROJECT_FILE_TYPE = {
  /** Without the dot, as installers take it. */
  ext: PROJECT_EXTENSION.replace(/^\./, ''),
  /** The kind of document Finder and Explorer show ("Kind: CNN Studio project"). */
  name: 'CNN Studio project',
  description: 'CNN Studio project',
  /** The freedesktop MIME type; its icon name is the type with `/` made `-` (application-x-cnnstudio). */
  mimeType: 'application/x-cnnstudio',
  /** The macOS uniform type identifier the app exports for the file. */
  uti: 'org.cnnstudio.project',
} as const;

/** The icon theme name freedesktop desktops look up for the MIME type when its definition names none. */
export function mimeIconName(mimeType: string = PROJECT_FILE_TYPE.mimeType): string {
  return mimeType.replace('/', '-');
}

/**
 * The shared-mime-info definition of the project file (installed to /usr/share/mime/packages by the
 * deb package). It names no `<icon>`, so desktops show the icon installed under the type's own name.
 */
export function linuxMimeInfo(): string {
  const { mimeType, description, ext } = PROJECT_FILE_TYPE;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">',
    `  <mime-type type="${mimeType}">`,
    `    <comment>${description}</comment>`,
    '    <sub-class-of type="application/json"/>',
    `    <glob pattern="*.${ext}"/>`,
    '  </mime-type>',
    '</mime-info>',
    '',
  ].join('\n');
}
