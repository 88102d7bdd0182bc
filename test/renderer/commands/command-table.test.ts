// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { COMMANDS, chordOf, commandForChord, displayChord } from '../../../src/renderer/src/commands/command-table';
import { MENU_COMMAND_IDS } from '../../../src/shared/api/methods/app';

const key = (k: string, code: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  code,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('the command table', () => {
  it('gives_every_chord_to_one_command', () => {
    const chords = COMMANDS.flatMap((c) => c.keys as readonly string[]);
    expect(new Set(chords).size).toBe(chords.length);
  });

  it('has_every_command_the_electron_menu_sends', () => {
    const ids = new Set<string>(COMMANDS.map((c) => c.id));
    for (const id of MENU_COMMAND_IDS) if (id !== 'file.openPath' && id !== 'file.export') expect(ids).toContain(id);
  });

  it('reads_key_events_as_chords_on_each_platform', () => {
    expect(chordOf(key('z', 'KeyZ', { ctrlKey: true }), false)).toBe('Mod+Z');
    expect(chordOf(key('Z', 'KeyZ', { ctrlKey: true, shiftKey: true }), false)).toBe('Mod+Shift+Z');
    expect(chordOf(key('z', 'KeyZ', { metaKey: true }), true)).toBe('Mod+Z');
    expect(chordOf(key('z', 'KeyZ', { ctrlKey: true }), true)).toBe('Ctrl+Z');
    expect(chordOf(key('+', 'Equal', { ctrlKey: true, shiftKey: true }), false)).toBe('Mod++');
    expect(chordOf(key('!', 'Digit1', { shiftKey: true }), false)).toBe('Shift+1');
    expect(chordOf(key('Delete', 'Delete'), false)).toBe('Delete');
    expect(chordOf(key('Shift', 'ShiftLeft', { shiftKey: true }), false)).toBeNull();
    expect(commandForChord('Mod+Shift+Z')!.id).toBe('edit.redo');
    expect(commandForChord('Backspace')!.id).toBe('edit.delete');
  });

  it('writes_chords_the_platforms_way', () => {
    expect(displayChord('Mod+Shift+Z', false)).toBe('Ctrl+Shift+Z');
    expect(displayChord('Mod+Shift+Z', true)).toBe('⌘⇧Z');
    expect(displayChord('Mod++', false)).toBe('Ctrl++');
    expect(displayChord('F1', false)).toBe('F1');
  });
});
