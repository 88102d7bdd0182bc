import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ApiMethodName, ApiRequest, ApiResponse } from '../../../shared/api/contract';
import type { AppInfo, ProjectDocument, RecoveryEntry, TemplateInfo } from '../../../shared/api/methods/project';
import { describeError } from '../../../shared/errors';
import { projectFromFile, projectToFile } from '../../../shared/project/codec';
import { PROJECT_EXTENSION } from '../../../shared/project/schema';
import { fittedLayout, layoutIsCrowded } from '../canvas/fitted-layout';
import { useClientStore } from './client-store';
import { useProjectStore } from './project-store';
import { useUiStore } from './ui-store';

/** What the New Project dialog asks for (the `project.new` request). */
export interface NewProjectRequest {
  template: string;
  input?: { height: number; width: number; channels: 1 | 3 };
  classes?: number;
  name?: string;
}

/** The file name a project is offered under in Save As. */
export function suggestedFileName(name: string): string {
  const stem = name.trim().replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'project';
  return `${stem}${PROJECT_EXTENSION}`;
}

/**
 * The project as a file on disk, through the studio's services: new from a template, open, save,
 * save as, recent files, the autosaved recovery copy, and what to open at start. Failures become a
 * message in the window (the services word them as sentences); actions answer true when they did it.
 */
export const useDocumentStore = defineStore('document', () => {
  const clients = useClientStore();
  const project = useProjectStore();
  const ui = useUiStore();

  const info = shallowRef<AppInfo | null>(null);
  const recent = ref<string[]>([]);
  const recovery = ref<RecoveryEntry[]>([]);
  const templates = shallowRef<TemplateInfo[]>([]);
  /** What the window is waiting for ("Opening lenet5.cnnstudio"), or null. */
  const busy = ref<string | null>(null);
  /** True once the start-up sequence (host facts, recovery offer, startup project) has run. */
  const ready = ref(false);
  /** When the recovery copy was last written (ISO time), for the status bar. */
  const lastAutosave = ref<string | null>(null);

  function call<M extends ApiMethodName>(method: M, params: ApiRequest<M>): Promise<ApiResponse<M>> {
    return clients.use().call(method, params);
  }

  async function attempt<T>(what: string, action: () => Promise<T>): Promise<T | null> {
    busy.value = what;
    try {
      return await action();
    } catch (error) {
      ui.toast(describeError(error), 'error');
      return null;
    } finally {
      busy.value = null;
    }
  }

  function adopt(doc: ProjectDocument, options: { dirty?: boolean; key?: string; relayout?: boolean } = {}): void {
    const opened = projectFromFile(doc.project);
    const relayout = options.relayout || layoutIsCrowded(opened.graph);
    project.load(opened, { path: doc.path, layout: (g) => fittedLayout(g, ui.viewSize), ...options, relayout });
    ui.requestView('fit');
  }

  /** Asks before throwing away unsaved edits; true when it is fine to go on. */
  async function confirmDiscard(): Promise<boolean> {
    if (!project.dirty) return true;
    return ui.confirm('Unsaved changes', `"${project.project.name}" has changes that are not saved. Discard them?`, 'Discard changes');
  }

  async function refreshRecent(): Promise<void> {
    const result = await attempt('Reading recent files', () => call('project.recent', {}));
    if (result) recent.value = result.paths;
  }

  async function loadTemplates(): Promise<TemplateInfo[]> {
    if (templates.value.length) return templates.value;
    const result = await attempt('Reading templates', () => call('templates.list', {}));
    if (result) templates.value = result;
    return templates.value;
  }

  /**
   * At window start: host facts, recent files, an offer to recover what a crashed session left,
   * else the project the host asks to open (`npm start` opens the sample).
   */
  async function start(): Promise<void> {
    try {
      const appInfo = await attempt('Connecting', () => call('app.info', {}));
      if (!appInfo) return;
      info.value = appInfo;
      void refreshRecent();
      const left = await attempt('Looking for unsaved work', () => call('project.recovery', {}));
      if (left?.entries.length) {
        recovery.value = left.entries;
        ui.openDialog('recovery');
        return;
      }
      if (appInfo.startupProjectPath) await open(appInfo.startupProjectPath, { skipConfirm: true });
    } finally {
      ready.value = true;
    }
  }

  /** A new unsaved project from a template. */
  async function createFromTemplate(request: NewProjectRequest): Promise<boolean> {
    if (!(await confirmDiscard())) return false;
    const doc = await attempt(`Creating ${request.name ?? request.template}`, () => call('project.new', request));
    if (!doc) return false;
    // A fresh project has nothing the user placed: lay it out for this window (long networks wrap).
    adopt(doc, { relayout: true });
    return true;
  }

  async function open(path: string, options: { skipConfirm?: boolean } = {}): Promise<boolean> {
    if (!options.skipConfirm && !(await confirmDiscard())) return false;
    const doc = await attempt(`Opening ${path}`, () => call('project.open', { path }));
    if (!doc) return false;
    adopt(doc);
    void refreshRecent();
    return true;
  }

  async function openSample(): Promise<boolean> {
    if (!(await confirmDiscard())) return false;
    const doc = await attempt('Opening the sample project', () => call('project.sample', {}));
    if (!doc) return false;
    adopt(doc);
    return true;
  }

  function folderOf(path: string | null): string | undefined {
    if (!path) return undefined;
    const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return cut > 0 ? path.slice(0, cut) : undefined;
  }

  /** Open…: the native dialog where the host has one, else the path dialog. */
  async function chooseAndOpen(): Promise<boolean> {
    if (!info.value?.nativeDialogs) {
      ui.openDialog('open');
      return false;
    }
    if (!(await confirmDiscard())) return false;
    const defaultPath = folderOf(project.path ?? recent.value[0] ?? null);
    const chosen = await attempt('Choosing a project', () => call('app.openDialog', { title: 'Open a project', ...(defaultPath ? { defaultPath } : {}) }));
    return chosen?.path ? open(chosen.path, { skipConfirm: true }) : false;
  }

  /** Save as…: the native dialog where the host has one, else the path dialog. */
  async function chooseAndSave(): Promise<boolean> {
    if (!info.value?.nativeDialogs) {
      ui.openDialog('saveAs');
      return false;
    }
    const defaultPath = project.path ?? suggestedFileName(project.project.name);
    const chosen = await attempt('Choosing where to save', () => call('app.saveDialog', { title: 'Save the project as', defaultPath }));
    return chosen?.path ? saveAs(chosen.path) : false;
  }

  /** Saves where the project lives; asks for a place when it has none. */
  async function save(): Promise<boolean> {
    if (!project.path) return chooseAndSave();
    return saveAs(project.path);
  }

  async function saveAs(path: string): Promise<boolean> {
    const revision = project.revision;
    const key = project.documentKey;
    const file = projectToFile(project.project);
    const result = await attempt(`Saving ${path}`, () => call('project.save', { path, project: file }));
    if (!result) return false;
    project.markSaved(result.path, revision);
    ui.toast(`Saved ${result.path}`, 'success');
    void refreshRecent();
    // The recovery copy is for unsaved work; once saved it would only offer stale data.
    void call('project.discardRecovery', { key }).catch(() => undefined);
    return true;
  }

  /** Writes the recovery copy of unsaved edits (quietly: a failed autosave must not interrupt work). */
  async function autosave(): Promise<void> {
    if (!project.dirty || !clients.client) return;
    try {
      const result = await call('project.autosave', { key: project.documentKey, path: project.path, project: projectToFile(project.project) });
      lastAutosave.value = result.savedAt;
    } catch (error) {
      ui.status = `Autosave failed: ${describeError(error)}`;
    }
  }

  /** Reopens a recovery copy as unsaved work, under its old key, so the next autosave replaces it. */
  function recover(entry: RecoveryEntry): void {
    project.load(projectFromFile(entry.project), { path: entry.path, dirty: true, key: entry.key, layout: (g) => fittedLayout(g, ui.viewSize) });
    recovery.value = recovery.value.filter((e) => e.key !== entry.key);
    ui.requestView('fit');
  }

  async function discardRecovery(entry: RecoveryEntry): Promise<void> {
    await attempt('Discarding the recovery copy', () => call('project.discardRecovery', { key: entry.key }));
    recovery.value = recovery.value.filter((e) => e.key !== entry.key);
  }

  return {
    info,
    recent,
    recovery,
    templates,
    busy,
    ready,
    lastAutosave,
    confirmDiscard,
    refreshRecent,
    loadTemplates,
    start,
    createFromTemplate,
    open,
    openSample,
    chooseAndOpen,
    chooseAndSave,
    save,
    saveAs,
    autosave,
    recover,
    discardRecovery,
  };
});
