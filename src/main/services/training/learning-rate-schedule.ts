import type { ScheduleSettings } from '../../../shared/project/settings';

/** What a schedule remembers between epochs (saved in checkpoints, so a resumed run continues it). */
export interface ScheduleState {
  /** The rate for the next epoch. */
  rate: number;
  /** reduce-on-plateau: best validation loss so far and epochs since it improved. */
  bestLoss: number | null;
  badEpochs: number;
}

/**
 * Learning-rate schedules, per epoch: constant; step (× gamma every `stepEpochs`); cosine (from the
 * base rate down to `minLearningRate` over the run, as SGDR without restarts); plateau (× factor when
 * the validation loss has not improved for `patience` epochs, as Keras' ReduceLROnPlateau).
 */
export class LearningRateSchedule {
  constructor(
    private readonly settings: ScheduleSettings,
    private readonly baseRate: number,
    private readonly epochs: number,
    private state: ScheduleState = { rate: baseRate, bestLoss: null, badEpochs: 0 },
  ) {}

  /** The rate to use during `epoch` (1-based). */
  rateFor(epoch: number): number {
    const s = this.settings;
    switch (s.type) {
      case 'constant':
        return this.baseRate;
      case 'step':
        return this.baseRate * s.gamma ** Math.floor((epoch - 1) / s.stepEpochs);
      case 'cosine': {
        const progress = this.epochs <= 1 ? 0 : (epoch - 1) / (this.epochs - 1);
        return s.minLearningRate + 0.5 * (this.baseRate - s.minLearningRate) * (1 + Math.cos(Math.PI * progress));
      }
      case 'plateau':
        return this.state.rate;
    }
  }

  /**
   * Records an epoch's validation loss (or training loss when there is no validation split). Returns a
   * sentence when the rate changed, for the run's events.
   */
  endEpoch(loss: number): string | null {
    if (this.settings.type !== 'plateau') return null;
    const { bestLoss } = this.state;
    if (bestLoss === null || loss < bestLoss - 1e-12) {
      this.state = { ...this.state, bestLoss: loss, badEpochs: 0 };
      return null;
    }
    const badEpochs = this.state.badEpochs + 1;
    if (badEpochs < this.settings.patience) {
      this.state = { ...this.state, badEpochs };
      return null;
    }
    const rate = Math.max(this.state.rate * this.settings.factor, this.settings.minLearningRate);
    const changed = rate < this.state.rate;
    this.state = { ...this.state, rate, badEpochs: 0 };
    return changed ? `The validation loss has not improved for ${this.settings.patience} epoch(s): the learning rate is now ${rate.toPrecision(3)}.` : null;
  }

  snapshot(): ScheduleState {
    return { ...this.state };
  }
}

/** Early stopping on the validation loss (patience in epochs), with the best epoch remembered. */
export interface EarlyStoppingState {
  bestLoss: number | null;
  bestEpoch: number | null;
  badEpochs: number;
}

export function updateEarlyStopping(state: EarlyStoppingState, epoch: number, loss: number): EarlyStoppingState & { improved: boolean } {
  if (state.bestLoss === null || loss < state.bestLoss) return { bestLoss: loss, bestEpoch: epoch, badEpochs: 0, improved: true };
  return { ...state, badEpochs: state.badEpochs + 1, improved: false };
}
