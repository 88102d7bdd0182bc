import type { Component } from 'vue';
import { markRaw } from 'vue';
import ModelSummary from './ModelSummary.vue';
import ProblemsPanel from './ProblemsPanel.vue';

/**
 * The tabs of the bottom panel. Later panels (dataset, training, evaluation, export, insight) add an
 * entry here and a component; the layout, the tab bar and View → Toggle panels need no change.
 */
export interface BottomTab {
  id: string;
  label: string;
  component: Component;
}

export const BOTTOM_TABS: readonly BottomTab[] = [
  { id: 'problems', label: 'Problems', component: markRaw(ProblemsPanel) },
  { id: 'summary', label: 'Model summary', component: markRaw(ModelSummary) },
];
