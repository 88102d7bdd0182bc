import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/**
 * PadV2 for tensors of rank 5 and 6 on WebGPU. Upstream (tfjs-backend-webgpu 4.22.0): PadProgram's
 * shader indexes its `start`/`end` values (`end[i]`), which are `vec5`/`vec6` structs at those ranks,
 * and WGSL cannot index a struct ("cannot index type 'vec6'"): the shader does not compile, the command
 * buffer holding it is dropped, and every result of that submission reads as zeros. The studio pads a
 * rank-6 view of dy in the depthwise-convolution gradient (strides above 1, see depthwise-convolution.ts).
 *
 * Here a high-rank pad is done one padded axis at a time on a rank-3 view `[before, axis, after]`
 * (reshapes are free on WebGPU), with TF.js's own kernel; ranks up to 4 go straight to it.
 */

interface PadArgs {
  inputs: { x: TensorInfo };
  attrs: { paddings: [number, number][]; constantValue: number };
  backend: { disposeData(dataId: object): unknown };
}

type RawKernel = (args: { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap; backend: PadArgs['backend'] }) => TensorInfo;

/** TF.js's PadV2 for `webgpu`, made to handle ranks 5 and 6; `reshape` is the backend's Reshape kernel. */
export function highRankPadKernel(pad: KernelConfig, reshape: KernelConfig): KernelConfig {
  const padKernel = pad.kernelFunc as unknown as RawKernel;
  const reshapeKernel = reshape.kernelFunc as unknown as RawKernel;
  const kernelFunc = (args: PadArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const x = inputs.x;
    if (x.shape.length <= 4) return padKernel(args as unknown as Parameters<RawKernel>[0]);
    const as = (t: TensorInfo, shape: number[]) => reshapeKernel({ inputs: { x: t }, attrs: { shape } as unknown as NamedAttrMap, backend });
    const temporaries: TensorInfo[] = [];
    let current = x;
    attrs.paddings.forEach(([low, high], axis) => {
      if (low === 0 && high === 0) return;
      const shape = current.shape;
      const before = shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const after = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
      const view = as(current, [before, shape[axis]!, after]);
      const padded = padKernel({ inputs: { x: view }, attrs: { paddings: [[0, 0], [low, high], [0, 0]], constantValue: attrs.constantValue } as unknown as NamedAttrMap, backend });
      const grown = shape.map((d, i) => (i === axis ? d + low + high : d));
      temporaries.push(view, padded);
      if (current !== x) temporaries.push(current);
      current = as(padded, grown);
    });
    // Nothing padded: a reshape to the same shape is the output (a new reference to x's data).
    const result = current === x ? as(x, [...x.shape]) : current;
    for (const t of temporaries) backend.disposeData(t.dataId);
    return result;
  };
  return { kernelName: pad.kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
