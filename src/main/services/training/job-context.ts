import type { RunEvent } from '../../../shared/run/run-events';
import type { JobControl } from './job-control';

/** What a job running in the engine process can use: events out, logs out, and its controls. */
export interface JobContext {
  emit(event: RunEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  control: JobControl;
}
