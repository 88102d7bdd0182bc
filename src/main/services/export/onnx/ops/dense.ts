import type { ActivationName } from '../../../../../shared/layers/activations';
import type { denseLayer } from '../../../../../shared/layers/dense';
import type { outputLayer } from '../../../../../shared/layers/output';
import type { ParamsOf } from '../../../../../shared/layers/params';
import { onnxDims } from '../graph-builder';
import { builtInAlpha, emitActivation } from './activation';
import type { EmitContext, OnnxEmitter } from './emitter';
import { onlyInput, paramsOf, requireWeight } from './emitter';

type DenseParams = ParamsOf<typeof denseLayer.params>;
type OutputParams = ParamsOf<typeof outputLayer.params>;

/** Gemm with the kernel as TF.js holds it (`[inputs, units]`, so transB = 0) and the bias as C. */
function emitGemm(context: EmitContext, units: number, useBias: boolean, output: string): string {
  const { id, inputShapes } = context.node;
  const inputs = inputShapes[0]![0]!;
  const kernel = context.graph.addFloatInitializer(`${id}/kernel`, [inputs, units], requireWeight(context, 'kernel', [inputs, units]));
  const operands = [onlyInput(context), kernel];
  if (useBias) operands.push(context.graph.addFloatInitializer(`${id}/bias`, [units], requireWeight(context, 'bias', [units])));
  return context.graph.addNode('Gemm', operands, { name: id, output, dims: onnxDims([units]) });
}

function emitFullyConnected(context: EmitContext, units: number, useBias: boolean, activation: ActivationName): string {
  const { id } = context.node;
  const gemm = emitGemm(context, units, useBias, activation === 'linear' ? id : `${id}/gemm`);
  return emitActivation(context.graph, gemm, activation, builtInAlpha(activation), { name: `${id}/${activation}`, output: id }, onnxDims([units]));
}

/** Dense → Gemm (+ its activation). */
export const emitDense: OnnxEmitter = (context) => {
  const p = paramsOf<DenseParams>(context);
  return emitFullyConnected(context, p.units, p.useBias, p.activation);
};

/** Output → Gemm then Softmax (probabilities), or the Gemm alone with the `logits` option. */
export const emitOutput: OnnxEmitter = (context) => {
  const p = paramsOf<OutputParams>(context);
  return emitFullyConnected(context, p.classes, p.useBias, context.options.logits ? 'linear' : 'softmax');
};
