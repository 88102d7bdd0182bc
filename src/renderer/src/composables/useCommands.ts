import { describeError } from '../../../shared/errors';
import { findLayer } from '../../../shared/layers';
import { fittedLayout } from '../canvas/fitted-layout';
import type { CommandId } from '../commands/command-table';
import { selectionAsInnerGraph } from '../graph-edits/grouping';
import { useClipboardStore } from '../stores/clipboard-store';
import { useDocumentStore } from '../stores/document-store';
import { useProjectStore } from '../stores/project-store';
import { useSelectionStore } from '../stores/selection-store';
import { useUiStore } from '../stores/ui-store';
import { useWorkspaceStore } from '../stores/workspace-store';

/** Commands that change the graph; they wait while a block's (read-only) inside is shown. */
const EDITS: ReadonlySet<CommandId> = new Set(['edit.cut', 'edit.paste', 'edit.duplicate', 'edit.delete', 'edit.group', 'edit.ungroup', 'edit.freezeUntil', 'view.autoLayout']);

/**
 * Runs the window's commands by id: the keyboard, the toolbar and the Electron menu all come here,
 * so a command behaves the same whichever way it is given.
 * @returns `run(id)`, which reports failures in the window instead of throwing.
 */
export function useCommands() {
  const project = useProjectStore();
  const selection = useSelectionStore();
  const clipboard = useClipboardStore();
  const documents = useDocumentStore();
  const ui = useUiStore();
  const workspace = useWorkspaceStore();

  const single = () => selection.single;
  const singleBlock = () => {
    const id = single();
    const node = id ? project.graph.nodes.find((n) => n.id === id) : undefined;
    return node && findLayer(node.kind)?.composite ? node : undefined;
  };

  const actions: Record<CommandId, () => unknown> = {
    'file.new': () => ui.openDialog('new'),
    'file.open': () => documents.chooseAndOpen(),
    'file.openSample': () => documents.openSample(),
    'file.save': () => documents.save(),
    'file.saveAs': () => documents.chooseAndSave(),
    'edit.undo': () => project.undo() || (ui.status = 'Nothing to undo.'),
    'edit.redo': () => project.redo() || (ui.status = 'Nothing to redo.'),
    'edit.cut': async () => report(await clipboard.cut(selection.nodeIds), 'Cut'),
    'edit.copy': async () => report(await clipboard.copy(selection.nodeIds), 'Copied'),
    'edit.paste': async () => {
      const ids = await clipboard.paste(ui.viewCenter);
      ui.status = ids.length ? `Pasted ${count(ids.length)}.` : 'The clipboard holds no layers.';
    },
    'edit.duplicate': () => clipboard.duplicate(selection.nodeIds),
    'edit.delete': () => project.deleteElements(selection.nodeIds, selection.edgeIds),
    'edit.selectAll': () => selection.select(project.graph.nodes.map((n) => n.id)),
    'edit.deselect': () => {
      if (ui.blockPath.length) ui.blockPath = ui.blockPath.slice(0, -1);
      else selection.clear();
    },
    'edit.group': () => {
      selectionAsInnerGraph(project.graph, selection.nodeIds); // throws the reason when it cannot be a block
      ui.openDialog('group');
    },
    'edit.ungroup': () => {
      const block = singleBlock();
      if (!block) {
        ui.status = 'Select one block (Inception, Residual or a group) to ungroup.';
        return;
      }
      const ids = project.ungroup(block.id);
      ui.status = `Ungrouped ${block.id} into ${count(ids.length)}.`;
    },
    'edit.freezeUntil': () => {
      const id = single();
      if (!id) {
        ui.status = 'Select the last layer to freeze.';
        return;
      }
      const frozen = project.freezeUntil(id);
      ui.status = frozen.length ? `Froze ${count(frozen.length)} up to ${id}: they keep their weights in training.` : `Nothing up to ${id} has weights to freeze.`;
    },
    'edit.openBlock': () => {
      const block = singleBlock();
      if (block) ui.blockPath = [block.id];
    },
    'view.autoLayout': () => {
      project.autoLayout((g) => fittedLayout(g, ui.viewSize));
      ui.requestView('fit');
    },
    'view.fit': () => ui.requestView('fit'),
    'view.zoomIn': () => ui.requestView('zoomIn'),
    'view.zoomOut': () => ui.requestView('zoomOut'),
    'view.zoomReset': () => ui.requestView('zoomReset'),
    'view.togglePalette': () => ui.togglePanel('palette'),
    'view.toggleInspector': () => ui.togglePanel('inspector'),
    'view.toggleBottom': () => ui.togglePanel('bottom'),
    'view.problems': () => ui.showPanel('bottom', 'problems'),
    'view.summary': () => ui.showPanel('bottom', 'summary'),
    'view.toggleTheme': () => ui.toggleTheme(),
    'help.shortcuts': () => ui.openDialog('shortcuts'),
    'help.layers': () => ui.openDialog('layers'),
    'help.about': () => ui.openDialog('about'),
  };

  function count(n: number): string {
    return `${n} layer${n === 1 ? '' : 's'}`;
  }

  function report(n: number, verb: string): void {
    ui.status = n ? `${verb} ${count(n)}.` : 'Select layers first.';
  }

  /** Runs a command; problems become a message in the window. */
  async function run(id: CommandId): Promise<void> {
    if (EDITS.has(id) && ui.blockPath.length) {
      ui.status = 'The inside of a block is read-only; close it (Esc) to edit the network.';
      return;
    }
    // A key pressed on the training or dataset view must not change layers the user cannot see.
    if (EDITS.has(id) && workspace.view !== 'network') {
      ui.status = 'Layers are edited in the Network view.';
      return;
    }
    try {
      await actions[id]();
    } catch (error) {
      ui.toast(describeError(error), 'error');
    }
  }

  return { run };
}
