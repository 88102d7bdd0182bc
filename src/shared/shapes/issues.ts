/** A problem the analyser found, attached to a node where there is one. */
export interface GraphIssue {
  severity: 'error' | 'warning';
  code: GraphIssueCode;
  /** The top-level node at fault (a block's id for problems inside it); absent for graph-wide problems. */
  nodeId?: string;
  /** What is wrong, as a sentence that names the node. */
  message: string;
  /** What to do about it, as a sentence. */
  hint?: string;
}

export type GraphIssueCode =
  | 'duplicate-id'
  | 'invalid-id'
  | 'unknown-kind'
  | 'unknown-node'
  | 'invalid-params'
  | 'cycle'
  | 'no-input'
  | 'second-input'
  | 'no-output'
  | 'second-output'
  | 'unconnected-input'
  | 'too-many-inputs'
  | 'output-has-consumers'
  | 'shape'
  | 'stride-remainder'
  | 'disconnected'
  | 'too-deep';

/** The issue as one line of text: message and hint. */
export function issueSentence(issue: GraphIssue): string {
  return issue.hint ? `${issue.message} ${issue.hint}` : issue.message;
}
