import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeOf, lookupStaticFile } from '../../../src/main/server/static-files';

let dir: string;
let root: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-static-'));
  root = join(dir, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html>');
  await writeFile(join(root, 'assets', 'a b.js'), '');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await mkdir(join(dir, 'renderer-evil'));
  await writeFile(join(dir, 'renderer-evil', 'x.js'), '');
  await symlink(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('static files', () => {
  it('serves_index_html_for_the_root_and_files_inside_the_bundle', async () => {
    expect(await lookupStaticFile(root, '/')).toMatchObject({ ok: true, file: join(root, 'index.html') });
    expect(await lookupStaticFile(root, '/assets/a%20b.js')).toMatchObject({ ok: true, file: join(root, 'assets', 'a b.js') });
  });

  it.each([
    ['/../secret.txt', 403],
    ['/assets/../../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/%2E%2E%2Fsecret.txt', 403],
    ['/..%2fsecret.txt', 403],
    ['/..%5csecret.txt', 400],
    ['/..\\secret.txt', 400],
    ['/index.html%00.js', 400],
    ['/%E0%A4%A', 400],
    ['secret.txt', 400],
    ['/assets/link.txt', 403],
    ['//etc/passwd', 404],
    ['/C:/Windows/win.ini', 404],
    ['/../renderer-evil/x.js', 403],
    ['/assets', 404],
    ['/missing.js', 404],
  ])('refuses_%s_with_%i', async (path, status) => {
    expect(await lookupStaticFile(root, path)).toMatchObject({ ok: false, status });
  });

  it('reads_an_absolute_file_path_as_a_path_inside_the_bundle', async () => {
    expect(await lookupStaticFile(root, `/${join(dir, 'secret.txt')}`)).toMatchObject({ ok: false, status: 404 });
    expect(await lookupStaticFile(root, `/${encodeURIComponent(join(dir, 'secret.txt'))}`)).toMatchObject({ ok: false, status: 404 });
  });

  it('types_what_vite_emits', () => {
    expect(contentTypeOf('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a.wasm')).toBe('application/wasm');
    expect(contentTypeOf('a.unknown')).toBe('application/octet-stream');
  });
});
