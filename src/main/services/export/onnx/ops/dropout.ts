import type { OnnxEmitter } from './emitter';
import { onlyInput } from './emitter';

/** Dropout does nothing at prediction time, so it is left out: its consumers read its input. */
export const emitDropout: OnnxEmitter = (context) => onlyInput(context);
