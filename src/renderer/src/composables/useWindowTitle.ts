import { watch } from 'vue';
import { useClientStore } from '../stores/client-store';
import { useDocumentStore } from '../stores/document-store';
import { useProjectStore } from '../stores/project-store';

/**
 * Keeps the window title as `• name — CNN Studio` (the dot while unsaved), and tells the Electron
 * host the title and the unsaved state, so it can ask before the window is closed.
 * @returns nothing.
 */
export function useWindowTitle(): void {
  const project = useProjectStore();
  const documents = useDocumentStore();
  const clients = useClientStore();
  watch(
    () => [project.project.name, project.dirty, documents.info?.mode] as const,
    ([name, dirty, mode]) => {
      const title = `${dirty ? '• ' : ''}${name} — CNN Studio`;
      document.title = title;
      if (mode !== 'electron' || !clients.client) return;
      // Quiet: a host that cannot take the title must not interrupt work.
      clients.client.call('app.setDocumentState', { title, dirty }).catch(() => undefined);
    },
    { immediate: true },
  );
}
