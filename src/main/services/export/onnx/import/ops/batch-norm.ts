import type { MapShape } from '../../../../../../shared/tensor-shape';
import type { ImportContext } from '../import-context';
import { constInput, floatAttribute, idHints, inputValue, intAttribute, padded, patternError, setOutput } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';

/**
 * BatchNormalization (inference form) → BatchNorm with its epsilon and momentum (ONNX's momentum means
 * the studio's: the fraction of the running average kept). On a vector flattened channels-first the
 * per-value parameters move with the values.
 */
export function importBatchNormalization(context: ImportContext, node: ReadNode): void {
  const raw = inputValue(context, node, 0);
  if (!raw || raw.kind === 'const' || (raw.kind === 'map' && raw.layout !== 'nchw')) throw patternError(context, node, 'needs a channels-first feature map or a vector');
  const x = raw.kind === 'map' ? padded(context, node, raw) : raw;
  if (intAttribute(node, 'training_mode', 0) !== 0 || node.outputs.slice(1).some((o) => o && (context.consumers.get(o) ?? 0) > 0)) {
    throw patternError(context, node, 'is in training mode (it outputs batch statistics)', 'Export the model in evaluation mode (PyTorch: model.eval()).');
  }
  const channels = x.kind === 'map' ? x.shape[2] : x.size;
  const order = x.kind === 'vector' ? x.order : null;
  const param = (index: number, what: string) => {
    const tensor = constInput(context, node, index, what);
    if (tensor.values.length !== channels) throw patternError(context, node, `has ${tensor.values.length} values of ${what} for ${channels} channels`);
    const values = new Float32Array(channels);
    tensor.values.forEach((v, i) => {
      values[order ? order[i]! : i] = v;
    });
    return { shape: [channels], values };
  };
  const weights = { gamma: param(1, 'scale'), beta: param(2, 'bias'), movingMean: param(3, 'mean'), movingVariance: param(4, 'variance') };
  const epsilon = floatAttribute(node, 'epsilon', 1e-5);
  const rawMomentum = floatAttribute(node, 'momentum', 0.9);
  const momentum = rawMomentum >= 0 && rawMomentum < 1 ? Math.fround(rawMomentum) : 0.9;
  const created = context.assembler.add('BatchNorm', { epsilon: Math.fround(epsilon), momentum }, [x.node], idHints(node, node.inputs[1]), node.name, weights);
  if (x.kind === 'map') setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: 'nchw' });
  else setOutput(context, node, { ...x, node: created.id });
}
