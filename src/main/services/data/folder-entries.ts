import { join } from 'node:path';
import type { DatasetFileSystem, FileInfo } from './dataset-fs';
import { ImageProblem, problemFromFileError } from './image-problem';

/**
 * Lists a folder for a dataset scan: names sorted by code point (as Python's `sorted`, so label
 * order matches torchvision's ImageFolder), hidden and system files left out silently, names that
 * are not valid UTF-8 and entries that cannot be examined (dangling links, link loops, permission
 * errors) returned as problems instead of thrown.
 */

export interface FolderEntry {
  name: string;
  path: string;
  /** Relative to the scanned root, `/`-separated. */
  rel: string;
  info: FileInfo;
}

export interface EntryProblem {
  rel: string;
  path: string;
  problem: ImageProblem;
}

export interface FolderListing {
  entries: FolderEntry[];
  problems: EntryProblem[];
}

/** Files and folders that operating systems and tools leave in folders; never data. */
const SYSTEM_NAMES = new Set(['thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db', 'desktop.ini', '__macosx', '$recycle.bin', 'system volume information', '@eadir', 'icon\r']);

/** Hidden (dot-files, dot-folders) or system files: ignored silently. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

/** Orders strings by Unicode code point (JavaScript's `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (code points above U+FFFF) rank after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** Lists `path` (whose place relative to the root is `rel`); stats entries `concurrency` at a time. */
export async function listFolder(fs: DatasetFileSystem, path: string, rel: string, concurrency = 16): Promise<FolderListing> {
  const raw = await fs.readdir(path);
  const named: { name: string; valid: boolean }[] = raw.map((bytes) => {
    try {
      return { name: strictUtf8.decode(bytes), valid: true };
    } catch {
      return { name: lossyUtf8.decode(bytes), valid: false };
    }
  });
  const visible = named.filter(({ name }) => !isHiddenName(name)).sort((a, b) => compareCodePoints(a.name, b.name));
  const entries: (FolderEntry | null)[] = new Array(visible.length).fill(null);
  const problems: (EntryProblem | null)[] = new Array(visible.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < visible.length) {
      const i = next++;
      const { name, valid } = visible[i]!;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childPath = join(path, name);
      if (!valid) {
        problems[i] = { rel: childRel, path: childPath, problem: badName(childPath) };
        continue;
      }
      try {
        entries[i] = { name, path: childPath, rel: childRel, info: await fs.stat(childPath) };
      } catch (error) {
        problems[i] = { rel: childRel, path: childPath, problem: problemFromFileError(childPath, error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, visible.length) }, worker));
  return { entries: entries.filter((e): e is FolderEntry => e !== null), problems: problems.filter((p): p is EntryProblem => p !== null) };
}

function badName(path: string): ImageProblem {
  return new ImageProblem(path, 'bad-name', 'its name is not valid UTF-8 text (shown here with \uFFFD for the bytes that are not)');
}
