import { onBeforeUnmount, onMounted } from 'vue';
import type { CommandId } from '../commands/command-table';
import { chordOf, commandForChord } from '../commands/command-table';
import { useUiStore } from '../stores/ui-store';
import { useCommands } from './useCommands';

/** True when keys typed at `target` are text (a field), not commands. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(target.type);
  return false;
}

/** True when Enter at `target` already means "press this control" (a button, a tab, a palette entry). */
export function isControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement) || target.closest('.vue-flow__node')) return false;
  return target.closest('button, a, [role="button"], [role="option"], [role="tab"]') !== null;
}

/** The last command given by key, so the same command arriving from the Electron menu is not run twice. */
export const lastKeyCommand: { id: CommandId | null; at: number } = { id: null, at: 0 };

/**
 * Runs the command table's shortcuts while the window has focus. Keys typed into a field stay text
 * unless the command is global (Save); while a dialog is open the dialog has the keys.
 * @returns nothing; the listener lives as long as the calling component.
 */
export function useKeyboardShortcuts(): void {
  const ui = useUiStore();
  const { run } = useCommands();

  function onKeyDown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return;
    const chord = chordOf(event);
    if (!chord) return;
    const command = commandForChord(chord);
    if (!command) return;
    if (ui.dialog) return;
    if (isTextEntry(event.target) && !command.global) return;
    if (chord === 'Enter' && isControl(event.target)) return;
    event.preventDefault();
    lastKeyCommand.id = command.id;
    lastKeyCommand.at = Date.now();
    void run(command.id);
  }

  onMounted(() => window.addEventListener('keydown', onKeyDown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown));
}
