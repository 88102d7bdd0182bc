import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

export type Theme = 'light' | 'dark';
export type PanelName = 'palette' | 'inspector' | 'bottom';
export type DialogName = 'new' | 'open' | 'saveAs' | 'recovery' | 'shortcuts' | 'layers' | 'about' | 'group' | 'confirm';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  resolve: (ok: boolean) => void;
}

const THEME_KEY = 'cnn-studio.theme';
const TOAST_MS = { info: 6000, success: 6000, error: 15000 } as const;

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * The window's own state: theme, which panels show, the open dialog, messages, and requests the
 * canvas acts on (centre this layer, fit the view). Nothing here is saved with the project.
 */
export const useUiStore = defineStore('ui', () => {
  const theme = ref<Theme>(initialTheme());
  const panels = ref<Record<PanelName, boolean>>({ palette: true, inspector: true, bottom: true });
  const bottomTab = ref<string>('problems');
  const dialog = ref<DialogName | null>(null);
  const confirmRequest = shallowRef<ConfirmRequest | null>(null);
  const toasts = ref<Toast[]>([]);
  /** A line in the status bar (a refused connection while dragging, what was just done). */
  const status = ref('');
  /** The block open in the drill-in view: block ids from the top level inwards; empty when closed. */
  const blockPath = ref<string[]>([]);
  /** The centre of the visible canvas in graph coordinates, where pasted and clicked-in layers go. */
  const viewCenter = ref<{ x: number; y: number }>({ x: 0, y: 0 });
  /** The canvas's size in pixels, for layouts that fit it. */
  const viewSize = ref<{ width: number; height: number }>({ width: 1200, height: 700 });
  /** The template the New Project dialog opens on (a template clicked in the palette). */
  const newTemplate = ref('lenet5');
  /** Requests for the canvas; the counter makes a repeated request for the same thing visible to watchers. */
  const viewRequest = ref<{ kind: 'fit' | 'focus' | 'zoomIn' | 'zoomOut' | 'zoomReset'; nodeId?: string; serial: number } | null>(null);
  let serial = 0;
  let nextToast = 1;

  function setTheme(next: Theme): void {
    theme.value = next;
    globalThis.localStorage?.setItem(THEME_KEY, next);
  }

  function toggleTheme(): void {
    setTheme(theme.value === 'dark' ? 'light' : 'dark');
  }

  function togglePanel(name: PanelName): void {
    panels.value = { ...panels.value, [name]: !panels.value[name] };
  }

  function showPanel(name: PanelName, tab?: string): void {
    panels.value = { ...panels.value, [name]: true };
    if (tab) bottomTab.value = tab;
  }

  function openDialog(name: DialogName): void {
    dialog.value = name;
  }

  function closeDialog(): void {
    if (dialog.value === 'confirm') answerConfirm(false);
    dialog.value = null;
  }

  /** Asks a yes/no question in a dialog; resolves true for the confirming button. */
  function confirm(title: string, message: string, confirmLabel: string): Promise<boolean> {
    confirmRequest.value?.resolve(false);
    return new Promise((resolve) => {
      confirmRequest.value = { title, message, confirmLabel, resolve };
      dialog.value = 'confirm';
    });
  }

  function answerConfirm(ok: boolean): void {
    const request = confirmRequest.value;
    confirmRequest.value = null;
    if (dialog.value === 'confirm') dialog.value = null;
    request?.resolve(ok);
  }

  /** Shows a message for a few seconds (errors longer, to be read); the same text twice shows once. */
  function toast(text: string, kind: Toast['kind'] = 'info'): void {
    const id = nextToast++;
    toasts.value = [...toasts.value.filter((t) => t.text !== text).slice(-4), { id, kind, text }];
    setTimeout(() => dismiss(id), TOAST_MS[kind]);
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function requestView(kind: 'fit' | 'focus' | 'zoomIn' | 'zoomOut' | 'zoomReset', nodeId?: string): void {
    viewRequest.value = { kind, ...(nodeId ? { nodeId } : {}), serial: ++serial };
  }

  return {
    theme,
    panels,
    bottomTab,
    dialog,
    confirmRequest,
    toasts,
    status,
    blockPath,
    viewCenter,
    viewSize,
    newTemplate,
    viewRequest,
    setTheme,
    toggleTheme,
    togglePanel,
    showPanel,
    openDialog,
    closeDialog,
    confirm,
    answerConfirm,
    toast,
    dismiss,
    requestView,
  };
});
