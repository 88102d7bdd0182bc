import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate } from '../../../src/main/app/menu-template';
import type { MenuCommand } from '../../../src/shared/api/methods/app';
import { MENU_COMMAND_IDS } from '../../../src/shared/api/methods/app';

function build(platform: NodeJS.Platform, recent: string[] = [], developer = false) {
  const sent: MenuCommand[] = [];
  const template = applicationMenuTemplate({ platform, recent, developer, run: (c) => sent.push(c) });
  return { template, sent };
}

/** Every item of a menu tree, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

describe('application menu', () => {
  it('has_file_edit_view_help_with_the_items_the_studio_needs', () => {
    const { template } = build('linux');
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const labels = (i: number) => (template[i]!.submenu as MenuItemConstructorOptions[]).filter((m) => m.type !== 'separator').map((m) => m.label ?? m.role);
    expect(labels(0)).toEqual(['New from Template…', 'Open…', 'Open Recent', 'Open the Sample Project', 'Save', 'Save As…', 'Export…', 'E&xit']);
    expect(labels(1)).toEqual(['Undo', 'Redo', 'Cut', 'Copy', 'Paste', 'Delete', 'Select All']);
    expect(labels(2)).toEqual(['Zoom In', 'Zoom Out', 'Actual Size', 'Zoom to Fit', 'Toggle Palette', 'Toggle Inspector', 'Toggle Problems and Summary', 'Toggle Light/Dark Theme']);
    expect(labels(3)).toEqual(['Keyboard Shortcuts', 'About CNN Studio']);
  });

  it('sends_each_items_command_to_the_window', () => {
    const { template, sent } = build('linux');
    const commandItems = items(template).filter((i) => typeof i.id === 'string' && (MENU_COMMAND_IDS as readonly string[]).includes(i.id));
    for (const item of commandItems) click(item);
    expect(sent.map((c) => c.command)).toEqual(commandItems.map((i) => i.id));
    // Every command the window can be sent from the menu appears in it (openPath through Open Recent).
    expect(new Set([...sent.map((c) => c.command), 'file.openPath'])).toEqual(new Set(MENU_COMMAND_IDS));
  });

  it('leaves_the_keys_to_the_window_except_for_the_edit_items', () => {
    const all = items(build('linux').template).filter((i) => i.accelerator);
    for (const item of all) expect(item.registerAccelerator, String(item.id)).toBe(String(item.id).startsWith('edit.'));
    expect(all.find((i) => i.id === 'view.fit')!.accelerator).toBe('Shift+1');
  });

  it('lists_recent_files_that_open_by_path', () => {
    const { template, sent } = build('linux', ['/p/a&b.cnnstudio', '/p/c.cnnstudio']);
    const recent = items(template).find((i) => i.id === 'file.openRecent')!.submenu as MenuItemConstructorOptions[];
    expect(recent.map((r) => r.label)).toEqual(['/p/a&&b.cnnstudio', '/p/c.cnnstudio']);
    click(recent[0]!);
    expect(sent).toEqual([{ command: 'file.openPath', path: '/p/a&b.cnnstudio' }]);
    const empty = items(build('linux').template).find((i) => i.id === 'file.openRecent')!.submenu as MenuItemConstructorOptions[];
    expect(empty).toEqual([{ label: 'No recent files', enabled: false }]);
  });

  it('follows_macos_conventions', () => {
    const { template } = build('darwin');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['CNN Studio', '&File', '&Edit', '&View', 'windowMenu', '&Help']);
    const all = items(template);
    expect(all.filter((i) => i.role === 'quit')).toHaveLength(1);
    expect(all.find((i) => i.id === 'edit.redo')!.accelerator).toBe('Cmd+Shift+Z');
  });

  it('offers_developer_tools_only_outside_a_packaged_app', () => {
    expect(items(build('linux', [], false).template).some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(items(build('linux', [], true).template).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});
