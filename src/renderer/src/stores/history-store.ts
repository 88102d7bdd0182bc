import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { Project } from '../../../shared/project/project';

/** One state of the document: the project (never mutated, so kept by reference) and its revision. */
export interface ProjectSnapshot {
  project: Project;
  /** Identifies the state, so "saved" survives undo back to it. */
  revision: number;
}

interface HistoryEntry {
  snapshot: ProjectSnapshot;
  /** What the edit did ("Move layers"), for the Undo and Redo tooltips. */
  label: string;
  /** Edits with one key that follow each other quickly are one step (typing in a field, nudging). */
  key: string | null;
  at: number;
}

/** Consecutive edits with one key within this many milliseconds undo together. */
export const COALESCE_MS = 1500;
/** Steps kept; the oldest go first. Snapshots share unchanged parts, so this is cheap. */
export const HISTORY_LIMIT = 300;

/**
 * Undo and redo as a history of project snapshots. Every edit records the state before it; an edit
 * with the same key as the last one, soon after it, extends that step instead of adding one.
 */
export const useHistoryStore = defineStore('history', () => {
  const past = shallowRef<HistoryEntry[]>([]);
  const future = shallowRef<HistoryEntry[]>([]);

  const canUndo = computed(() => past.value.length > 0);
  const canRedo = computed(() => future.value.length > 0);
  const undoLabel = computed(() => past.value.at(-1)?.label ?? null);
  const redoLabel = computed(() => future.value.at(-1)?.label ?? null);

  /** Records the state before an edit. */
  function record(before: ProjectSnapshot, label: string, key: string | null = null): void {
    const now = Date.now();
    const top = past.value.at(-1);
    future.value = [];
    if (key && top && top.key === key && now - top.at < COALESCE_MS) {
      past.value = [...past.value.slice(0, -1), { ...top, at: now }];
      return;
    }
    past.value = [...past.value, { snapshot: before, label, key, at: now }].slice(-HISTORY_LIMIT);
  }

  /** Ends the current coalescing run, so the next edit is a step of its own (a field loses focus). */
  function seal(): void {
    const top = past.value.at(-1);
    if (top?.key) past.value = [...past.value.slice(0, -1), { ...top, key: null }];
  }

  /** The state to go back to, given the current one (which becomes redoable); null when there is none. */
  function undo(current: ProjectSnapshot): ProjectSnapshot | null {
    const entry = past.value.at(-1);
    if (!entry) return null;
    past.value = past.value.slice(0, -1);
    future.value = [...future.value, { snapshot: current, label: entry.label, key: null, at: Date.now() }];
    return entry.snapshot;
  }

  /** The state to go forward to; null when there is none. */
  function redo(current: ProjectSnapshot): ProjectSnapshot | null {
    const entry = future.value.at(-1);
    if (!entry) return null;
    future.value = future.value.slice(0, -1);
    past.value = [...past.value, { snapshot: current, label: entry.label, key: null, at: Date.now() }];
    return entry.snapshot;
  }

  /** Forgets everything (a project was opened or created). */
  function reset(): void {
    past.value = [];
    future.value = [];
  }

  return { past, future, canUndo, canRedo, undoLabel, redoLabel, record, seal, undo, redo, reset };
});
