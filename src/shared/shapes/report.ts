import type { ModelGraph } from '../graph/model-graph';
import type { GraphAnalysis } from './analyze';
import { analyzeGraph } from './analyze';
import type { GraphIssue } from './issues';
import { issueSentence } from './issues';

/** One problem in the report: the node (null for the whole graph), a stable code, and the sentence. */
export interface ReportIssue {
  node: string | null;
  code: GraphIssue['code'];
  message: string;
}

/**
 * The model summary of `cnn-studio inspect --json` and of the studio's summary view, like Keras'
 * `model.summary()` or MATLAB's network analyzer. Its shape is part of the CLI's public contract.
 */
export interface InspectReport {
  layers: { id: string; kind: string; outputShape: number[] | null; params: number; trainable: number }[];
  params: { trainable: number; nonTrainable: number; total: number };
  warnings: ReportIssue[];
  errors: ReportIssue[];
}

export function inspectGraph(graph: ModelGraph, analysis: GraphAnalysis = analyzeGraph(graph)): InspectReport {
  const toIssue = (i: GraphIssue): ReportIssue => ({ node: i.nodeId ?? null, code: i.code, message: issueSentence(i) });
  return {
    layers: analysis.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      outputShape: n.outputShape ? [...n.outputShape] : null,
      params: n.params.trainable + n.params.nonTrainable,
      trainable: n.params.trainable,
    })),
    params: analysis.totals,
    warnings: analysis.issues.filter((i) => i.severity === 'warning').map(toIssue),
    errors: analysis.issues.filter((i) => i.severity === 'error').map(toIssue),
  };
}
