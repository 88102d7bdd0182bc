import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppState } from '../../../../src/main/services/app-state/app-state';
import type { AppState } from '../../../../src/main/services/app-state/app-state';
import { MAX_RECENT_FILES } from '../../../../src/main/services/app-state/recent-files';
import { RECOVERY_FOLDER, recoveryFileName } from '../../../../src/main/services/app-state/recovery-files';
import { projectToFile } from '../../../../src/shared/project/codec';
import { createProject } from '../../../../src/shared/project/project';
import { buildTemplate } from '../../../../src/shared/templates';

let folder: string;
let logged: string[];
let clock: number;
let state: AppState;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cnn-state-'));
  logged = [];
  clock = Date.UTC(2026, 10, 25, 10, 0, 0);
  state = createAppState({ folder, log: (line) => logged.push(line), now: () => new Date(clock) });
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const lenet = (name = 'demo') => projectToFile(createProject(name, buildTemplate('lenet5')));

describe('recent files', () => {
  it('keeps_the_newest_first_without_duplicates_and_at_most_ten', async () => {
    for (let i = 0; i < 12; i++) await state.recent.add(`/p/${i}.cnnstudio`);
    await state.recent.add('/p/5.cnnstudio');
    const paths = await state.recent.list();
    expect(paths).toHaveLength(MAX_RECENT_FILES);
    expect(paths.slice(0, 3)).toEqual(['/p/5.cnnstudio', '/p/11.cnnstudio', '/p/10.cnnstudio']);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('stores_absolute_paths_and_forgets_one_on_request', async () => {
    await state.recent.add('rel/a.cnnstudio');
    expect(await state.recent.list()).toEqual([resolve('rel/a.cnnstudio')]);
    await state.recent.remove('rel/a.cnnstudio');
    expect(await state.recent.list()).toEqual([]);
  });

  it('loses_no_entry_when_adds_overlap', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => state.recent.add(`/p/${i}.cnnstudio`)));
    expect(await state.recent.list()).toHaveLength(8);
  });

  it('reads_a_damaged_list_as_empty_and_says_so', async () => {
    await writeFile(join(folder, 'recent.json'), '{"paths": [1, 2');
    expect(await state.recent.list()).toEqual([]);
    expect(logged.join('\n')).toMatch(/recent\.json: it is not valid JSON/);
    await writeFile(join(folder, 'recent.json'), '{"paths": "nope"}');
    expect(await state.recent.list()).toEqual([]);
    await state.recent.add('/p/a.cnnstudio');
    expect(await state.recent.list()).toEqual(['/p/a.cnnstudio']);
  });
});

describe('window state', () => {
  it('is_null_before_the_first_window_and_round_trips', async () => {
    expect(await state.window.read()).toBeNull();
    await state.window.write({ x: 10, y: 20, width: 1200, height: 800, maximized: true, fullScreen: false });
    expect(await state.window.read()).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true, fullScreen: false });
  });

  it('ignores_impossible_sizes', async () => {
    await writeFile(join(folder, 'window.json'), JSON.stringify({ width: 5, height: 1e9 }));
    expect(await state.window.read()).toBeNull();
    expect(logged.join('\n')).toMatch(/does not hold what this version expects/);
  });
});

describe('recovery copies', () => {
  it('saves_lists_newest_first_and_discards', async () => {
    const first = await state.recovery.save({ key: 'doc-1', path: null, project: lenet('one') });
    clock += 60_000;
    await state.recovery.save({ key: 'doc-2', path: '/p/two.cnnstudio', project: lenet('two') });
    expect(first).toBe('2026-11-25T10:00:00.000Z');
    const entries = await state.recovery.list();
    expect(entries.map((e) => [e.key, e.path, e.project.name])).toEqual([
      ['doc-2', '/p/two.cnnstudio', 'two'],
      ['doc-1', null, 'one'],
    ]);
    await state.recovery.discard('doc-2');
    await state.recovery.discard('never-saved');
    expect((await state.recovery.list()).map((e) => e.key)).toEqual(['doc-1']);
  });

  it('replaces_the_copy_of_a_key_with_its_last_edit', async () => {
    await state.recovery.save({ key: 'doc', path: null, project: lenet('before') });
    await state.recovery.save({ key: 'doc', path: null, project: lenet('after') });
    const entries = await state.recovery.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.project.name).toBe('after');
  });

  it('never_lets_a_key_name_a_path', async () => {
    await state.recovery.save({ key: '../../escape', path: null, project: lenet() });
    const files = await readdir(join(folder, RECOVERY_FOLDER));
    expect(files).toEqual([recoveryFileName('../../escape')]);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.json$/);
    expect((await state.recovery.list())[0]!.key).toBe('../../escape');
  });

  it('skips_damaged_copies_with_a_log_line_and_keeps_the_good_ones', async () => {
    await state.recovery.save({ key: 'good', path: null, project: lenet() });
    const dir = join(folder, RECOVERY_FOLDER);
    await writeFile(join(dir, `${'a'.repeat(32)}.json`), '{ truncated');
    const unknownKind = { ...lenet(), nodes: [{ id: 'x', kind: 'Teleport', params: {} }], edges: [] };
    await writeFile(join(dir, `${'b'.repeat(32)}.json`), JSON.stringify({ key: 'bad', path: null, savedAt: 'x', project: unknownKind }));
    await writeFile(join(dir, 'notes.txt'), 'not a copy');
    const entries = await state.recovery.list();
    expect(entries.map((e) => e.key)).toEqual(['good']);
    expect(logged.filter((l) => l.startsWith('Ignoring the recovery copy'))).toHaveLength(2);
    expect(logged.join('\n')).toMatch(/unknown layer kind "Teleport"/);
  });

  it('is_empty_when_the_folder_does_not_exist', async () => {
    expect(await state.recovery.list()).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('writes_the_copy_whole_as_json', async () => {
    await state.recovery.save({ key: 'k', path: null, project: lenet() });
    const text = await readFile(join(folder, RECOVERY_FOLDER, recoveryFileName('k')), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ key: 'k', path: null, savedAt: '2026-11-25T10:00:00.000Z', project: { name: 'demo' } });
  });
});
