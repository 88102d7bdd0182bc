import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { StudioClient } from '../../../shared/api/client';
import { StudioError } from '../../../shared/errors';

/**
 * The studio's services as this window reaches them. `main.ts` sets the real client (IPC or
 * WebSocket, from `studio-client.ts`); component and store tests set a fake one. Stores never import
 * the transport themselves, so they run without Electron, a server or a network.
 */
export const useClientStore = defineStore('client', () => {
  const client = shallowRef<StudioClient | null>(null);

  /** Installs the client every store then uses. */
  function setClient(next: StudioClient): void {
    client.value = next;
  }

  /** The client; a StudioError when none is installed yet (a defect, not a user error). */
  function use(): StudioClient {
    if (!client.value) {
      throw new StudioError('internal', 'This window is not connected to the studio\'s services.', { hint: 'Reload the window.' });
    }
    return client.value;
  }

  return { client, setClient, use };
});
