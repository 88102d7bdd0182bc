import { StudioError } from '../../../shared/errors';
import type { FineTuningSettings } from '../../../shared/project/settings';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import type { CompiledModel } from '../engine';

/** The phases of a run: phase 2 (when there is one) makes `unfreeze` trainable from `phase2Start` on. */
export interface PhasePlan {
  /** The layer phase 2 unfreezes from (a top-level node id), or null for a one-phase run. */
  unfreezeFrom: string | null;
  /** Flat node ids that phase 2 makes trainable: the node (a block's layers) and everything after it. */
  unfreeze: string[];
  /** The first epoch of phase 2, or null. */
  phase2Start: number | null;
  learningRateFactor: number;
  /** Sentences about a plan that will not do what it says (phase 2 after the last epoch). */
  warnings: string[];
}

/** The phases the fine-tuning settings ask for, checked against the network. */
export function planPhases(flat: FlatGraph, settings: FineTuningSettings, epochs: number): PhasePlan {
  const id = settings.unfreezeFrom;
  if (id === null) return { unfreezeFrom: null, unfreeze: [], phase2Start: null, learningRateFactor: 1, warnings: [] };
  const start = flat.nodes.filter((n) => n.owner === id || n.id === id).map((n) => n.id);
  if (!start.length) {
    throw new StudioError('invalid-argument', `Fine-tuning is to unfreeze from the layer "${id}", which the network does not have.`, {
      hint: `Name one of its layers: ${[...new Set(flat.nodes.map((n) => n.owner))].slice(0, 30).join(', ')}.`,
      where: 'training.fineTuning.unfreezeFrom',
    });
  }
  const consumers = new Map<string, string[]>();
  for (const n of flat.nodes) for (const input of n.inputs) consumers.set(input, [...(consumers.get(input) ?? []), n.id]);
  const reached = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const next = stack.pop()!;
    if (reached.has(next)) continue;
    reached.add(next);
    stack.push(...(consumers.get(next) ?? []));
  }
  const phase2Start = settings.headEpochs + 1;
  const warnings = phase2Start > epochs ? [`Phase 2 (unfreezing from ${id}) would start at epoch ${phase2Start}, after the last epoch (${epochs}): the run trains the head alone.`] : [];
  return { unfreezeFrom: id, unfreeze: flat.nodes.filter((n) => reached.has(n.id)).map((n) => n.id), phase2Start, learningRateFactor: settings.learningRateFactor, warnings };
}

/** The phase an epoch belongs to. */
export function phaseOf(plan: PhasePlan, epoch: number): 1 | 2 {
  return plan.phase2Start !== null && epoch >= plan.phase2Start ? 2 : 1;
}

/** Makes phase 2's layers trainable in the compiled model (a frozen BatchNorm then uses batch statistics again). */
export function enterPhase2(compiled: CompiledModel, plan: PhasePlan): void {
  for (const id of plan.unfreeze) for (const layer of compiled.nodes.get(id)?.layers ?? []) layer.trainable = true;
}
