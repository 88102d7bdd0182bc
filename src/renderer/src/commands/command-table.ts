/**
 * Every command of the window, with its shortcuts. The keyboard handler, the Help → Shortcuts
 * dialog, the toolbar's tooltips and the Electron menu's commands all read this one table.
 * `Mod` is Ctrl, or Cmd on macOS.
 */
export interface CommandInfo {
  id: CommandId;
  label: string;
  category: 'File' | 'Edit' | 'View' | 'Help';
  /** Chords such as `Mod+Shift+Z`; the first is the one shown. */
  keys: readonly string[];
  /** Runs even while typing in a field (Save does; Delete must not). */
  global?: boolean;
}

export const COMMANDS = [
  { id: 'file.new', label: 'New from template…', category: 'File', keys: ['Mod+N'], global: true },
  { id: 'file.open', label: 'Open…', category: 'File', keys: ['Mod+O'], global: true },
  { id: 'file.openSample', label: 'Open the sample project', category: 'File', keys: [] },
  { id: 'file.save', label: 'Save', category: 'File', keys: ['Mod+S'], global: true },
  { id: 'file.saveAs', label: 'Save as…', category: 'File', keys: ['Mod+Shift+S'], global: true },
  { id: 'edit.undo', label: 'Undo', category: 'Edit', keys: ['Mod+Z'] },
  { id: 'edit.redo', label: 'Redo', category: 'Edit', keys: ['Mod+Shift+Z', 'Mod+Y'] },
  { id: 'edit.cut', label: 'Cut', category: 'Edit', keys: ['Mod+X'] },
  { id: 'edit.copy', label: 'Copy', category: 'Edit', keys: ['Mod+C'] },
  { id: 'edit.paste', label: 'Paste', category: 'Edit', keys: ['Mod+V'] },
  { id: 'edit.duplicate', label: 'Duplicate', category: 'Edit', keys: ['Mod+D'] },
  { id: 'edit.delete', label: 'Delete', category: 'Edit', keys: ['Delete', 'Backspace'] },
  { id: 'edit.selectAll', label: 'Select all', category: 'Edit', keys: ['Mod+A'] },
  { id: 'edit.deselect', label: 'Clear the selection / close', category: 'Edit', keys: ['Escape'] },
  { id: 'edit.group', label: 'Group into a block…', category: 'Edit', keys: ['Mod+G'] },
  { id: 'edit.ungroup', label: 'Ungroup block', category: 'Edit', keys: ['Mod+Shift+G'] },
  { id: 'edit.openBlock', label: 'Open block (show its layers)', category: 'Edit', keys: ['Enter'] },
  { id: 'edit.freezeUntil', label: 'Freeze up to here', category: 'Edit', keys: [] },
  { id: 'view.autoLayout', label: 'Auto-layout left to right', category: 'View', keys: ['Mod+Shift+L'] },
  { id: 'view.fit', label: 'Zoom to fit', category: 'View', keys: ['Shift+1', 'F'] },
  { id: 'view.zoomIn', label: 'Zoom in', category: 'View', keys: ['Mod+=', 'Mod++'] },
  { id: 'view.zoomOut', label: 'Zoom out', category: 'View', keys: ['Mod+-'] },
  { id: 'view.zoomReset', label: 'Actual size', category: 'View', keys: ['Mod+0'] },
  { id: 'view.togglePalette', label: 'Show/hide the palette', category: 'View', keys: ['Mod+B'] },
  { id: 'view.toggleInspector', label: 'Show/hide the inspector', category: 'View', keys: ['Mod+I'] },
  { id: 'view.toggleBottom', label: 'Show/hide problems and summary', category: 'View', keys: ['Mod+J'] },
  { id: 'view.problems', label: 'Show problems', category: 'View', keys: ['Mod+Shift+M'] },
  { id: 'view.summary', label: 'Show the model summary', category: 'View', keys: ['Mod+Shift+U'] },
  { id: 'view.toggleTheme', label: 'Light/dark theme', category: 'View', keys: ['Mod+Shift+D'] },
  { id: 'help.shortcuts', label: 'Keyboard shortcuts', category: 'Help', keys: ['Mod+/', 'F1'], global: true },
  { id: 'help.layers', label: 'Layer reference', category: 'Help', keys: [] },
  { id: 'help.about', label: 'About CNN Studio', category: 'Help', keys: [] },
] as const satisfies readonly { id: string; label: string; category: CommandInfo['category']; keys: readonly string[]; global?: boolean }[];

export type CommandId = (typeof COMMANDS)[number]['id'];

const byId = new Map<string, CommandInfo>(COMMANDS.map((c) => [c.id, c as CommandInfo]));

/** The command of an id, or undefined. */
export function findCommand(id: string): CommandInfo | undefined {
  return byId.get(id);
}

/** True on macOS, where `Mod` is Cmd. */
export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');
}

/** A chord as the platform writes it: `Ctrl+Shift+Z`, or `⌘⇧Z` on macOS. */
export function displayChord(chord: string, mac = isMac()): string {
  // `Mod++` is Mod and the `+` key.
  const plusKey = chord.endsWith('++');
  const parts = (plusKey ? chord.slice(0, -2) : chord).split('+').filter(Boolean);
  const key = plusKey ? '+' : parts.pop()!;
  if (mac) {
    const symbols: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥', Ctrl: '⌃' };
    return parts.map((m) => symbols[m] ?? m).join('') + key;
  }
  return [...parts.map((m) => (m === 'Mod' ? 'Ctrl' : m)), key].join('+');
}

/** The chord of a key event in the table's notation (`Mod+Shift+Z`), or null for a bare modifier. */
export function chordOf(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, mac = isMac()): string | null {
  if (['Control', 'Meta', 'Shift', 'Alt'].includes(event.key)) return null;
  let key: string;
  if (/^[a-z]$/i.test(event.key)) key = event.key.toUpperCase();
  else if (/^Digit\d$/.test(event.code)) key = event.code.slice(5);
  else if (event.code === 'Equal') key = event.shiftKey ? '+' : '=';
  else if (event.code === 'Minus') key = '-';
  else if (event.code === 'Slash') key = '/';
  else key = event.key;
  const mods: string[] = [];
  if (mac ? event.metaKey : event.ctrlKey) mods.push('Mod');
  if (mac && event.ctrlKey) mods.push('Ctrl');
  // Shift is part of `+` itself on most keyboards.
  if (event.shiftKey && key !== '+') mods.push('Shift');
  if (event.altKey) mods.push('Alt');
  return [...mods, key].join('+');
}

/** The command a chord runs, if any. */
export function commandForChord(chord: string): CommandInfo | undefined {
  return COMMANDS.find((c) => (c.keys as readonly string[]).includes(chord)) as CommandInfo | undefined;
}
