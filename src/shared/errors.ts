/**
 * The one error type that reaches a user: a sentence saying what is wrong, where (a file, a node, a
 * setting or a JSON path) and what to do. It never carries a stack trace to the UI.
 */
export class StudioError extends Error {
  override readonly name = 'StudioError';
  /** Machine-readable category, stable across versions (used by tests and the CLI's exit codes). */
  readonly code: StudioErrorCode;
  /** What the user can do about it, as a sentence. */
  readonly hint: string | undefined;
  /** The file, node id, setting name or JSON path at fault. */
  readonly where: string | undefined;

  constructor(code: StudioErrorCode, message: string, options: { hint?: string; where?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.where = options.where;
  }

  /** The message and the hint as one text, the way every surface (CLI, UI) shows it. */
  get sentence(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }

  toJSON(): StudioErrorData {
    return { code: this.code, message: this.message, hint: this.hint, where: this.where };
  }
}

export type StudioErrorCode =
  | 'invalid-project'
  | 'invalid-graph'
  | 'invalid-argument'
  | 'file-not-found'
  | 'file-unreadable'
  | 'file-unwritable'
  | 'disk-full'
  | 'dataset-invalid'
  | 'backend-unavailable'
  | 'training-failed'
  | 'engine-crashed'
  | 'run-invalid'
  | 'onnx-invalid'
  | 'onnx-unsupported'
  | 'cancelled'
  | 'internal';

/** The plain-data form of a StudioError, as it crosses a process boundary. */
export interface StudioErrorData {
  code: StudioErrorCode;
  message: string;
  hint?: string | undefined;
  where?: string | undefined;
}

/** Rebuilds a StudioError from its plain-data form (after IPC, WebSocket or an engine message). */
export function studioErrorFromData(data: StudioErrorData): StudioError {
  return new StudioError(data.code, data.message, { hint: data.hint, where: data.where });
}

/** True for errors that are ours to show as they are; anything else is a defect to report. */
export function isStudioError(error: unknown): error is StudioError {
  return error instanceof StudioError;
}

/** Turns any thrown value into something a user can read; unknown errors keep only their message. */
export function describeError(error: unknown): string {
  if (isStudioError(error)) return error.sentence;
  if (error instanceof Error) return error.message;
  return String(error);
}
