import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, MenuCommandId } from '../../shared/api/methods/app';
import { isEditCommand } from './edit-commands';

export interface MenuTemplateOptions {
  platform: NodeJS.Platform;
  /** Recent project files, newest first (File → Open Recent). */
  recent: readonly string[];
  /** Adds Reload and the developer tools (never in a packaged app). */
  developer: boolean;
  /** Sends a command to the window. */
  run(command: MenuCommand): void;
}

interface CommandItem {
  command: MenuCommandId;
  label: string;
  accelerator?: string;
}

/**
 * Items whose shortcut the window's own keyboard handler runs (the same in the browser): the menu
 * shows the shortcut without taking the key, so Shift+1 still types "!" in a field. Edit items do
 * take their keys: they route to the focused text field or to the window (see edit-commands.ts).
 */
function commandItem({ command, label, accelerator }: CommandItem, run: (command: MenuCommand) => void): MenuItemConstructorOptions {
  return {
    id: command,
    label,
    ...(accelerator ? { accelerator, registerAccelerator: isEditCommand(command) } : {}),
    click: () => run({ command }),
  };
}

/** The File → Open Recent submenu: one item per file (its path as the label), or a disabled "No recent files". */
export function recentFilesMenu(recent: readonly string[], run: (command: MenuCommand) => void): MenuItemConstructorOptions[] {
  if (!recent.length) return [{ label: 'No recent files', enabled: false }];
  return recent.map((path, i) => ({
    id: `file.openRecent.${i}`,
    // `&` marks a mnemonic on Windows and Linux; doubled it is a plain ampersand.
    label: path.replace(/&/g, '&&'),
    click: () => run({ command: 'file.openPath', path }),
  }));
}

/**
 * The application menu (File, Edit, View, Help; on macOS also the app menu and Window). Every
 * studio item sends a command to the window; only quitting, window management and the macOS app
 * menu use Electron's roles.
 */
export function applicationMenuTemplate(options: MenuTemplateOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const item = (spec: CommandItem) => commandItem(spec, options.run);
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item({ command: 'file.new', label: 'New from Template…', accelerator: 'CmdOrCtrl+N' }),
      item({ command: 'file.open', label: 'Open…', accelerator: 'CmdOrCtrl+O' }),
      { id: 'file.openRecent', label: 'Open Recent', submenu: recentFilesMenu(options.recent, options.run) },
      item({ command: 'file.openSample', label: 'Open the Sample Project' }),
      separator,
      item({ command: 'file.save', label: 'Save', accelerator: 'CmdOrCtrl+S' }),
      item({ command: 'file.saveAs', label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S' }),
      separator,
      item({ command: 'file.export', label: 'Export…', accelerator: 'CmdOrCtrl+E' }),
      ...(mac ? [] : [separator, { role: 'quit', label: 'E&xit' } satisfies MenuItemConstructorOptions]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      item({ command: 'edit.undo', label: 'Undo', accelerator: 'CmdOrCtrl+Z' }),
      item({ command: 'edit.redo', label: 'Redo', accelerator: mac ? 'Cmd+Shift+Z' : 'Ctrl+Y' }),
      separator,
      item({ command: 'edit.cut', label: 'Cut', accelerator: 'CmdOrCtrl+X' }),
      item({ command: 'edit.copy', label: 'Copy', accelerator: 'CmdOrCtrl+C' }),
      item({ command: 'edit.paste', label: 'Paste', accelerator: 'CmdOrCtrl+V' }),
      item({ command: 'edit.delete', label: 'Delete', accelerator: 'Delete' }),
      separator,
      item({ command: 'edit.selectAll', label: 'Select All', accelerator: 'CmdOrCtrl+A' }),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      item({ command: 'view.zoomIn', label: 'Zoom In', accelerator: 'CmdOrCtrl+=' }),
      item({ command: 'view.zoomOut', label: 'Zoom Out', accelerator: 'CmdOrCtrl+-' }),
      item({ command: 'view.zoomReset', label: 'Actual Size', accelerator: 'CmdOrCtrl+0' }),
      item({ command: 'view.fit', label: 'Zoom to Fit', accelerator: 'Shift+1' }),
      separator,
      item({ command: 'view.togglePalette', label: 'Toggle Palette', accelerator: 'CmdOrCtrl+B' }),
      item({ command: 'view.toggleInspector', label: 'Toggle Inspector', accelerator: 'CmdOrCtrl+I' }),
      item({ command: 'view.toggleBottom', label: 'Toggle Problems and Summary', accelerator: 'CmdOrCtrl+J' }),
      separator,
      item({ command: 'view.toggleTheme', label: 'Toggle Light/Dark Theme', accelerator: 'CmdOrCtrl+Shift+D' }),
      ...(options.developer
        ? [separator, { role: 'reload' } satisfies MenuItemConstructorOptions, { role: 'toggleDevTools' } satisfies MenuItemConstructorOptions]
        : []),
      ...(mac ? [separator, { role: 'togglefullscreen' } satisfies MenuItemConstructorOptions] : []),
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [item({ command: 'help.shortcuts', label: 'Keyboard Shortcuts', accelerator: 'F1' }), ...(mac ? [] : [separator, item({ command: 'help.about', label: 'About CNN Studio' })])],
  };

  if (!mac) return [file, edit, view, help];

  const appMenu: MenuItemConstructorOptions = {
    label: 'CNN Studio',
    submenu: [
      item({ command: 'help.about', label: 'About CNN Studio' }),
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  return [appMenu, file, edit, view, { role: 'windowMenu' }, help];
}
