import { onBeforeUnmount, onMounted } from 'vue';
import { useDocumentStore } from '../stores/document-store';
import { useProjectStore } from '../stores/project-store';

/**
 * In browser mode, asks before a tab with unsaved changes is closed or reloaded. (In Electron the
 * main process owns closing; a page that vetoes unload there would keep the window from closing.)
 * @returns nothing; the listener lives as long as the calling component.
 */
export function useUnsavedGuard(): void {
  const project = useProjectStore();
  const documents = useDocumentStore();

  function onBeforeUnload(event: BeforeUnloadEvent): void {
    if (documents.info?.mode !== 'browser' || !project.dirty) return;
    event.preventDefault();
    // Older Chromium needs a returnValue to show the prompt.
    event.returnValue = '';
  }

  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload));
}
