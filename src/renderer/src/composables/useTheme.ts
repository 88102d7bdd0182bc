import { watchEffect } from 'vue';
import { useUiStore } from '../stores/ui-store';

/**
 * Puts the chosen theme on the document root (`data-theme`), where the style sheet switches its
 * colour variables and the browser's own `color-scheme`.
 * @returns nothing.
 */
export function useTheme(): void {
  const ui = useUiStore();
  watchEffect(() => {
    document.documentElement.dataset.theme = ui.theme;
  });
}
