import { onBeforeUnmount, onMounted, watch } from 'vue';
import { useClientStore } from '../stores/client-store';
import { useProjectStore } from '../stores/project-store';
import { useTrainingStore } from '../stores/training-store';
import { useUiStore } from '../stores/ui-store';
import { useWorkspaceStore } from '../stores/workspace-store';

/**
 * Follows the services' training runs for as long as the window lives, whichever view shows: a
 * reload re-attaches to a run in progress, and a run that ends says so from any view. Also fits the
 * canvas when the network view comes back after a project was opened elsewhere (the hidden canvas
 * had no size to fit to).
 * @returns nothing; the subscriptions end with the calling component.
 */
export function useTrainingSession(): void {
  const clients = useClientStore();
  const training = useTrainingStore();
  const workspace = useWorkspaceStore();
  const project = useProjectStore();
  const ui = useUiStore();

  onMounted(() => {
    if (clients.client) void training.attach();
  });
  onBeforeUnmount(() => training.detach());

  let loadedWhileHidden = false;
  watch(
    () => project.documentKey,
    () => {
      if (workspace.view !== 'network') loadedWhileHidden = true;
    },
  );
  watch(
    () => workspace.view,
    (view) => {
      if (view === 'network' && loadedWhileHidden) {
        loadedWhileHidden = false;
        ui.requestView('fit');
      }
    },
  );
}
