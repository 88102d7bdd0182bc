import { describe, expect, it } from 'vitest';
import type { EditableContents, EditCommandId } from '../../../src/main/app/edit-commands';
import { EDIT_COMMANDS, FOCUSED_FIELD_PROBE, isEditCommand, routeEditCommand } from '../../../src/main/app/edit-commands';

function fakeContents(focused: boolean | Error) {
  const calls: string[] = [];
  const contents: EditableContents = {
    executeJavaScript: async (code) => {
      calls.push(code === FOCUSED_FIELD_PROBE ? 'probe' : 'other');
      if (focused instanceof Error) throw focused;
      return focused;
    },
    undo: () => void calls.push('undo'),
    redo: () => void calls.push('redo'),
    cut: () => void calls.push('cut'),
    copy: () => void calls.push('copy'),
    paste: () => void calls.push('paste'),
    delete: () => void calls.push('delete'),
    selectAll: () => void calls.push('selectAll'),
  };
  return { contents, calls };
}

describe('edit commands', () => {
  it('edit_the_focused_text_field_natively', async () => {
    for (const command of EDIT_COMMANDS) {
      const { contents, calls } = fakeContents(true);
      const sent: EditCommandId[] = [];
      expect(await routeEditCommand(contents, command, (c) => sent.push(c))).toBe('text-field');
      expect(calls).toEqual(['probe', command.slice('edit.'.length)]);
      expect(sent).toEqual([]);
    }
  });

  it('go_to_the_window_when_no_field_has_the_focus_or_the_page_cannot_say', async () => {
    for (const focused of [false, new Error('page gone')]) {
      const { contents, calls } = fakeContents(focused);
      const sent: EditCommandId[] = [];
      expect(await routeEditCommand(contents, 'edit.copy', (c) => sent.push(c))).toBe('window');
      expect(calls).toEqual(['probe']);
      expect(sent).toEqual(['edit.copy']);
    }
  });

  it('are_the_edit_items_only', () => {
    expect(isEditCommand('edit.paste')).toBe(true);
    expect(isEditCommand('file.save')).toBe(false);
  });
});
