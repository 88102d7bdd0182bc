import type { MenuCommandId } from '../../shared/api/methods/app';

/** The Edit menu's commands that mean the same in a text field and on the canvas. */
export const EDIT_COMMANDS = ['edit.undo', 'edit.redo', 'edit.cut', 'edit.copy', 'edit.paste', 'edit.delete', 'edit.selectAll'] as const satisfies readonly MenuCommandId[];
export type EditCommandId = (typeof EDIT_COMMANDS)[number];

/** The members of `WebContents` that edit the focused text field natively. */
export interface EditableContents {
  executeJavaScript(code: string): Promise<unknown>;
  undo(): void;
  redo(): void;
  cut(): void;
  copy(): void;
  paste(): void;
  delete(): void;
  selectAll(): void;
}

/** Asks the page whether a text field has the focus (runs in the page, outside its CSP). */
export const FOCUSED_FIELD_PROBE =
  "(() => { const e = document.activeElement; return !!e && (e.isContentEditable || e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT' && !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset'].includes(e.type))); })()";

/**
 * Runs an Edit menu command where it belongs: in a focused text field, Chromium's own editing
 * (so Ctrl+C copies the selected text, and the shortcuts work on macOS, which routes them through
 * the menu); elsewhere, the studio's command (undo a graph edit, copy layers).
 */
export async function routeEditCommand(contents: EditableContents, command: EditCommandId, toWindow: (command: EditCommandId) => void): Promise<'text-field' | 'window'> {
  // A page that cannot answer (still loading, crashed) has no field to edit.
  const inField = await contents.executeJavaScript(FOCUSED_FIELD_PROBE).then(
    (answer) => answer === true,
    () => false,
  );
  if (!inField) {
    toWindow(command);
    return 'window';
  }
  const native: Record<EditCommandId, () => void> = {
    'edit.undo': () => contents.undo(),
    'edit.redo': () => contents.redo(),
    'edit.cut': () => contents.cut(),
    'edit.copy': () => contents.copy(),
    'edit.paste': () => contents.paste(),
    'edit.delete': () => contents.delete(),
    'edit.selectAll': () => contents.selectAll(),
  };
  native[command]();
  return 'text-field';
}

/** True for a command `routeEditCommand` handles. */
export function isEditCommand(command: MenuCommandId): command is EditCommandId {
  return (EDIT_COMMANDS as readonly string[]).includes(command);
}
