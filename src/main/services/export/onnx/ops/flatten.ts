import { BATCH_DIM, int, onnxDims } from '../graph-builder';
import type { OnnxEmitter } from './emitter';
import { onlyInput } from './emitter';

/**
 * Flatten → Transpose to NHWC, then Flatten. The studio (like TF.js) flattens row by row with the
 * channels fastest; ONNX's Flatten of an NCHW map would put the channels slowest. Moving the channels
 * last first keeps the vector identical to TF.js's for whatever consumes it (Dense, Concatenate, a
 * feature view), where permuting a following Dense kernel instead would only serve Dense. A map with
 * one channel or one pixel flattens the same either way and needs no Transpose.
 */
export const emitFlatten: OnnxEmitter = (context) => {
  const { id, inputShapes, outputShape } = context.node;
  const input = onlyInput(context);
  const shape = inputShapes[0]!;
  if (shape.length !== 3) return input;
  const [height, width, channels] = shape as [number, number, number];
  const channelsLast =
    channels === 1 || height * width === 1
      ? input
      : context.graph.addNode('Transpose', [input], {
          name: `${id}/to_nhwc`,
          output: `${id}/nhwc`,
          dims: [BATCH_DIM, height, width, channels],
          attributes: { perm: { ints: [0, 2, 3, 1] } },
        });
  return context.graph.addNode('Flatten', [channelsLast], { name: id, output: id, dims: onnxDims(outputShape), attributes: { axis: int(1) } });
};
