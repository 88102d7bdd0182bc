import type { CompiledModel } from './compile-model';
import { StudioDropout } from './studio-layers';

/**
 * Tells the model which training step comes next. Dropout masks are seeded by the step, so a run
 * resumed from a checkpoint draws the same masks the uninterrupted run would have.
 */
export function setTrainingStep(compiled: CompiledModel, step: number): void {
  for (const layer of compiled.model.layers) {
    if (layer instanceof StudioDropout) layer.step = step;
  }
}
