import { z } from 'zod';
import { event, method } from '../rpc';

/**
 * The commands the Electron menu sends to the window, named as in the renderer's command table
 * (`src/renderer/src/commands/command-table.ts`), so the window runs a menu item exactly as it runs
 * the same shortcut. Two exist only here: `file.openPath` (Open Recent, and a project file the OS
 * asked to open; the event carries the path) and `file.export`.
 */
export const MENU_COMMAND_IDS = [
  'file.new',
  'file.open',
  'file.openPath',
  'file.openSample',
  'file.save',
  'file.saveAs',
  'file.export',
  'edit.undo',
  'edit.redo',
  'edit.cut',
  'edit.copy',
  'edit.paste',
  'edit.delete',
  'edit.selectAll',
  'view.zoomIn',
  'view.zoomOut',
  'view.zoomReset',
  'view.fit',
  'view.togglePalette',
  'view.toggleInspector',
  'view.toggleBottom',
  'view.toggleTheme',
  'help.about',
  'help.shortcuts',
] as const;
export type MenuCommandId = (typeof MENU_COMMAND_IDS)[number];

const pathSchema = z.string().min(1).max(4096);

export const menuCommandSchema = z.strictObject({
  command: z.enum(MENU_COMMAND_IDS),
  /** The project file of `file.openPath`. */
  path: pathSchema.optional(),
});
export type MenuCommand = z.infer<typeof menuCommandSchema>;

const dialogRequestSchema = z.strictObject({
  /** The dialog's title ("Open a project"). */
  title: z.string().max(200).optional(),
  /** The folder or file the dialog starts at. */
  defaultPath: z.string().max(4096).optional(),
  /** `app.openDialog` only: choose a folder (a dataset, a runs folder) instead of a project file. */
  directory: z.boolean().optional(),
});

const chosenPathSchema = z.object({ path: z.string().max(4096).nullable() });

/**
 * What only a host can do: native dialogs, the file manager, the window's title and unsaved marker.
 * Electron implements them; browser mode answers the dialogs with a sentence (the renderer shows a
 * path field there, see `app.info.nativeDialogs`) and ignores the window state (the tab has its own).
 */
export const appMethods = {
  'app.openDialog': method(dialogRequestSchema, chosenPathSchema, 'A native dialog to choose a project file (or, with `directory`, a folder) to open; the path, or null when cancelled.'),
  'app.saveDialog': method(dialogRequestSchema, chosenPathSchema, 'A native dialog to choose where to save a project; the path (with .cnnstudio), or null when cancelled.'),
  'app.showInFolder': method(z.strictObject({ path: pathSchema }), z.object({}), 'Shows a file in the system file manager.'),
  'app.setDocumentState': method(
    z.strictObject({
      title: z.string().max(300),
      dirty: z.boolean(),
      /** The document's recovery key (`project.autosave`): closing without saving discards its copy. */
      recoveryKey: z.string().min(1).max(200).optional(),
    }),
    z.object({}),
    'The window title and whether it holds unsaved changes (Electron then asks before closing it).',
  ),
};

/** Events of the host. */
export const appEvents = {
  'app.menuCommand': event(menuCommandSchema, 'A menu item (or the OS opening a project file) asks the window to run a command.'),
};
