import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { EvaluationResult, EvaluationSource } from '../../../shared/api/methods/evaluation';
import { describeError } from '../../../shared/errors';
import { useClientStore } from './client-store';

/** A confusion cell: true class `row`, predicted `column`. */
export interface CellChoice {
  row: number;
  column: number;
}

/** The evaluation view: what to evaluate on, the report, and the confusion cell opened. */
export const useEvaluationStore = defineStore('evaluation', () => {
  const clients = useClientStore();
  const source = ref<EvaluationSource>('validation');
  const folder = ref('');
  const result = shallowRef<EvaluationResult | null>(null);
  /** The run the shown result belongs to. */
  const resultRun = ref<string | null>(null);
  const running = ref(false);
  const error = ref<string | null>(null);
  const cell = ref<CellChoice | null>(null);

  /** Evaluates a run on the chosen images. */
  async function evaluate(runDir: string): Promise<boolean> {
    running.value = true;
    error.value = null;
    try {
      const answer = await clients.use().call('evaluation.run', { runDir, source: source.value, ...(source.value === 'folder' && folder.value.trim() ? { dataPath: folder.value.trim() } : {}) });
      result.value = answer;
      resultRun.value = runDir;
      // The most confused pair is where a person looks first.
      cell.value = mostConfused(answer.report.confusion);
      return true;
    } catch (failure) {
      error.value = describeError(failure);
      return false;
    } finally {
      running.value = false;
    }
  }

  function openCell(row: number, column: number): void {
    cell.value = { row, column };
  }

  return { source, folder, result, resultRun, running, error, cell, evaluate, openCell };
});

/** The off-diagonal cell with the most images, or null when every image is right. */
export function mostConfused(confusion: readonly (readonly number[])[]): CellChoice | null {
  let best: CellChoice | null = null;
  let most = 0;
  confusion.forEach((row, i) =>
    row.forEach((n, j) => {
      if (i !== j && n > most) {
        most = n;
        best = { row: i, column: j };
      }
    }),
  );
  return best;
}
