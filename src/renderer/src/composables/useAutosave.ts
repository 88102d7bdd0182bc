import { onBeforeUnmount, watch } from 'vue';
import { useDocumentStore } from '../stores/document-store';
import { useProjectStore } from '../stores/project-store';

/** Quiet time after an edit before the recovery copy is written. */
export const AUTOSAVE_DELAY_MS = 3000;

/**
 * Writes the recovery copy a few seconds after the last edit, so a crash loses at most those
 * seconds; a burst of edits writes once.
 * @returns nothing; the timer lives as long as the calling component.
 */
export function useAutosave(delay = AUTOSAVE_DELAY_MS): void {
  const project = useProjectStore();
  const documents = useDocumentStore();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const stop = watch(
    () => project.revision,
    () => {
      if (timer) clearTimeout(timer);
      if (!project.dirty) return;
      timer = setTimeout(() => {
        timer = null;
        void documents.autosave();
      }, delay);
    },
  );

  onBeforeUnmount(() => {
    stop();
    if (timer) clearTimeout(timer);
  });
}
