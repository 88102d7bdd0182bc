// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import FineTuneActions from '../../../src/renderer/src/components/inspector/FineTuneActions.vue';
import { useSelectionStore } from '../../../src/renderer/src/stores/selection-store';
import type { LiveRun } from '../../../src/renderer/src/stores/training-store';
import { fineTuningNotes } from '../../../src/renderer/src/stores/training-store';
import { storeWith } from '../support/project-fixtures';

describe('fine-tuning edits on the canvas', () => {
  it('freeze_up_to_here_freezes_the_layer_and_those_before_it_and_undoes_in_one_step', () => {
    const project = storeWith();
    expect(project.freezeUntil('pool1')).toEqual(['conv1']);
    expect(project.graph.nodes.find((n) => n.id === 'conv1')!.params.trainable).toBe(false);
    expect(project.graph.nodes.find((n) => n.id === 'dense1')!.params.trainable).toBeUndefined();
    // Frozen layers count as non-trainable in the summary.
    expect(project.analysis.nodes.find((n) => n.id === 'conv1')!.params).toEqual({ trainable: 0, nonTrainable: 80 });
    expect(project.undo()).toBe(true);
    expect(project.graph.nodes.find((n) => n.id === 'conv1')!.params.trainable).toBeUndefined();
  });

  it('replace_head_cuts_after_the_layer_and_adds_pooling_and_an_output', () => {
    const project = storeWith();
    expect(project.replaceHead('pool1', 3)).toEqual(['head_pool', 'head']);
    expect(project.graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'pool1', 'head_pool', 'head']);
    expect(project.errorCount).toBe(0);
    expect(useSelectionStore().nodeIds).toEqual(['head']);
    expect(() => project.replaceHead('nope', 3)).toThrow(/has no layer "nope"/);
  });

  it('the_inspector_section_runs_both', async () => {
    const project = storeWith();
    useSelectionStore().select(['dense1']);
    const wrapper = mount(FineTuneActions, { props: { nodeId: 'dense1' } });
    await wrapper.get('[data-testid="inspector-freeze-until"]').trigger('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(project.graph.nodes.filter((n) => n.params.trainable === false).map((n) => n.id)).toEqual(['conv1', 'dense1']);
    await wrapper.get('[data-testid="inspector-head-classes"]').setValue('4');
    await wrapper.get('[data-testid="inspector-head-classes"]').trigger('change');
    await wrapper.get('[data-testid="inspector-replace-head"]').trigger('click');
    expect(project.graph.nodes.at(-1)).toMatchObject({ id: 'head', kind: 'Output', params: { classes: 4 } });
  });
});

describe('the dashboard notes of a fine-tuning run', () => {
  it('reads_the_phase_change_and_the_feature_cache_from_the_status_events', () => {
    const run = {
      statuses: [
        { type: 'status', status: 'feature-cache', message: 'Feature cache on: …', epoch: 1, phase: 1, featureCache: { on: true, node: 'avgpool' } },
        { type: 'status', status: 'feature-cache', message: 'Feature cache off: the body trains from now on.', epoch: 4, phase: 2, featureCache: { on: false, node: null } },
        { type: 'status', status: 'phase-change', message: 'Phase 2 from epoch 4: …', epoch: 4, phase: 2 },
      ],
    } as unknown as LiveRun;
    expect(fineTuningNotes(run)).toEqual({
      phaseChanges: [{ epoch: 4, phase: 2, message: 'Phase 2 from epoch 4: …' }],
      featureCache: { on: false, node: null, message: 'Feature cache off: the body trains from now on.' },
    });
    expect(fineTuningNotes({ statuses: [] } as unknown as LiveRun)).toEqual({ phaseChanges: [], featureCache: null });
  });
});
