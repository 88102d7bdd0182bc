import { defineStore } from 'pinia';
import { ref } from 'vue';
import { extractFragment, fragmentToText, parseFragmentText } from '../graph-edits/graph-fragment';
import type { Point } from '../graph-edits/node-edits';
import { useProjectStore } from './project-store';

/** How far each repeated paste (or a duplicate) lands from the layers it copies. */
export const PASTE_OFFSET = 40;

/** The system clipboard where the window may use it; a stand-in for tests and locked-down pages. */
export interface ClipboardAccess {
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
}

function systemClipboard(): ClipboardAccess | null {
  return globalThis.navigator?.clipboard ?? null;
}

/**
 * Cut, copy and paste of layers. The clipboard holds JSON text, so layers move between projects
 * and windows; where the system clipboard is refused (a browser without permission) a copy kept in
 * memory serves this window, across the projects opened in it.
 */
export const useClipboardStore = defineStore('clipboard', () => {
  const project = useProjectStore();
  const memory = ref<string | null>(null);
  /** The document and text of the last copy, and how often it was pasted, to cascade repeated pastes. */
  let lastCopy: { key: string; text: string; pastes: number } | null = null;
  let access: ClipboardAccess | null = systemClipboard();

  /** Replaces the system clipboard (tests, or a host with its own). */
  function setAccess(next: ClipboardAccess | null): void {
    access = next;
  }

  async function writeText(text: string): Promise<void> {
    memory.value = text;
    try {
      await access?.writeText(text);
    } catch {
      // Refused (no focus, no permission): the in-memory copy serves this window.
    }
  }

  async function readText(): Promise<string | null> {
    try {
      if (access) return await access.readText();
    } catch {
      // Refused: fall back to this window's own copy.
    }
    return memory.value;
  }

  /** Copies layers (and the connections between them); returns how many. */
  async function copy(ids: readonly string[]): Promise<number> {
    const fragment = extractFragment(project.graph, ids);
    if (!fragment.nodes.length) return 0;
    const text = fragmentToText(fragment);
    lastCopy = { key: project.documentKey, text, pastes: 0 };
    await writeText(text);
    return fragment.nodes.length;
  }

  /** Copies, then deletes, the layers. */
  async function cut(ids: readonly string[]): Promise<number> {
    const count = await copy(ids);
    if (count) project.deleteElements(ids);
    return count;
  }

  /**
   * Pastes layers from the clipboard: beside their originals when copied from this document, else
   * at `at` (the centre of the view). Returns the new ids; a StudioError when the text is damaged
   * layers; an empty list when the clipboard holds no layers.
   */
  async function paste(at: Point): Promise<string[]> {
    const text = await readText();
    if (!text) return [];
    const fragment = parseFragmentText(text);
    if (!fragment) return [];
    if (lastCopy && lastCopy.text === text && lastCopy.key === project.documentKey) {
      lastCopy.pastes += 1;
      const step = PASTE_OFFSET * lastCopy.pastes;
      return project.insert(fragment, { offset: { x: step, y: step } });
    }
    return project.insert(fragment, { at });
  }

  /** Copies layers in place, without touching the clipboard. */
  function duplicate(ids: readonly string[]): string[] {
    const fragment = extractFragment(project.graph, ids);
    return project.insert(fragment, { offset: { x: PASTE_OFFSET, y: PASTE_OFFSET } }, 'Duplicate');
  }

  return { memory, setAccess, copy, cut, paste, duplicate };
});
