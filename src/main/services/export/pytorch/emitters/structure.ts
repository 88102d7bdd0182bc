import type { PytorchEmitter } from './emitter';
import { inputIsMap, onlyInput } from './emitter';

/** Input: the forward's argument `x`, NCHW. */
export const emitInput: PytorchEmitter = () => ({ init: [], forward: (out) => (out === 'x' ? [] : [`${out} = x`]) });

/**
 * Flatten in the studio's order: row by row, channels fastest (NHWC), so Dense weights trained in
 * the studio fit as they are. A vector passes through.
 */
export const emitFlatten: PytorchEmitter = (context) => {
  const input = onlyInput(context);
  return {
    init: [],
    forward: (out) => (inputIsMap(context) ? [`${out} = torch.flatten(${input}.permute(0, 2, 3, 1), 1)  # channels last, as the studio flattens`] : [`${out} = ${input}`]),
  };
};

/** Add: the element-wise sum of the inputs. */
export const emitAdd: PytorchEmitter = (context) => ({ init: [], forward: (out) => [`${out} = ${context.inputs.join(' + ')}`] });

/** Concatenate: along the channels (dim 1 of NCHW, or of a batch of vectors), inputs in edge order. */
export const emitConcatenate: PytorchEmitter = (context) => ({ init: [], forward: (out) => [`${out} = torch.cat([${context.inputs.join(', ')}], dim=1)`] });
