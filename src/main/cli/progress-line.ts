import type { RunEvent } from '../../shared/run/run-events';

/** 83 → "1m23s"; under a minute "45s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const fixed = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** The one-line progress bar a terminal shows during training. */
export function formatBatchLine(event: Extract<RunEvent, { type: 'batch' }>, epochs: number, width = 24): string {
  const done = Math.round((event.batch / event.batches) * width);
  const bar = `${'█'.repeat(done)}${'░'.repeat(width - done)}`;
  return `Epoch ${event.epoch}/${epochs} ${bar} ${event.batch}/${event.batches}  loss ${fixed(event.loss)}  acc ${fixed(event.accuracy, 3)}  ${Math.round(event.imagesPerSecond).toLocaleString('en-US')} img/s  ETA ${formatDuration(event.eta)}`;
}

/** The line kept for each finished epoch. */
export function formatEpochLine(event: Extract<RunEvent, { type: 'epoch' }>): string {
  const val = event.valLoss === null ? '' : `  val_loss ${fixed(event.valLoss)}  val_acc ${fixed(event.valAccuracy, 3)}`;
  return `Epoch ${event.epoch}/${event.epochs}  loss ${fixed(event.loss)}  acc ${fixed(event.accuracy, 3)}${val}  ${Math.round(event.imagesPerSecond).toLocaleString('en-US')} img/s  ${formatDuration(event.seconds)}${event.best ? '  (best)' : ''}`;
}
