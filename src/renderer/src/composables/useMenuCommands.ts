import { onBeforeUnmount, onMounted } from 'vue';
import type { MenuCommand } from '../../../shared/api/methods/app';
import type { CommandId } from '../commands/command-table';
import { findCommand } from '../commands/command-table';
import { useClientStore } from '../stores/client-store';
import { useDocumentStore } from '../stores/document-store';
import { useWorkspaceStore } from '../stores/workspace-store';
import { useCommands } from './useCommands';
import { lastKeyCommand } from './useKeyboardShortcuts';

/** A key press the menu also answers arrives twice within this many milliseconds; it runs once. */
const DUPLICATE_MS = 250;

/**
 * Runs the Electron menu's commands (`app.menuCommand`): their ids are the command table's, plus
 * `file.openPath` (Open Recent, a file the OS opened) and `file.export`.
 * @returns `runMenuCommand(command)`, also subscribed to the services' event while the caller lives.
 */
export function useMenuCommands() {
  const clients = useClientStore();
  const documents = useDocumentStore();
  const workspace = useWorkspaceStore();
  const { run } = useCommands();

  function runMenuCommand(command: MenuCommand): void {
    if (command.command === 'file.openPath') {
      if (command.path) void documents.open(command.path);
      return;
    }
    if (command.command === 'file.export') {
      workspace.show('export');
      return;
    }
    const known = findCommand(command.command);
    if (!known) return;
    const id = known.id as CommandId;
    // The same key may reach both the page and the menu's accelerator.
    if (lastKeyCommand.id === id && Date.now() - lastKeyCommand.at < DUPLICATE_MS) return;
    void run(id);
  }

  let stop: (() => void) | null = null;
  onMounted(() => {
    stop = clients.client?.on('app.menuCommand', runMenuCommand) ?? null;
  });
  onBeforeUnmount(() => stop?.());

  return { runMenuCommand };
}
