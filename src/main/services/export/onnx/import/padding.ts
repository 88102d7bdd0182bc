import type { Padding } from '../../../../../shared/layers/params';
import { windowAxis } from '../../../../../shared/layers/window';
import type { ReadNode } from './onnx-model-reader';
import { intsAttribute, stringAttribute } from './import-context';

export interface WindowGeometry {
  kernel: number;
  stride: number;
  dilation: number;
}

/**
 * The pads `[top, left, bottom, right]` a Conv or pool node applies to a `height x width` input, from
 * `pads` or `auto_pad` (SAME_UPPER puts an odd extra pad after, like TF.js's "same"), plus pads folded
 * in from a Pad node before it. Null when auto_pad is unknown.
 */
export function nodePads(node: ReadNode, size: [number, number], geometry: WindowGeometry, folded: readonly number[] = [0, 0, 0, 0]): [number, number, number, number] | null {
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  let pads: number[];
  if (autoPad === 'NOTSET') pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
  else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const extent = geometry.dilation * (geometry.kernel - 1) + 1;
    const axis = (n: number) => {
      const total = Math.max((Math.ceil(n / geometry.stride) - 1) * geometry.stride + extent - n, 0);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    };
    const [top, bottom] = axis(size[0]);
    const [left, right] = axis(size[1]);
    pads = [top!, left!, bottom!, right!];
  } else return null;
  if (pads.length !== 4) return null;
  return pads.map((p, i) => p + folded[i]!) as [number, number, number, number];
}

/**
 * The studio padding (`valid`, `same`, or a number on every side) whose windows are exactly those of
 * the ONNX pads, or null when none is. A trailing pad that no window reaches does not matter, so
 * PyTorch's symmetric pads and TF.js's bottom/right-heavy "same" both map.
 */
export function studioPadding(size: [number, number], geometry: WindowGeometry, pads: readonly [number, number, number, number], ceilMode = false): Padding | null {
  const [top, left, bottom, right] = pads;
  const extent = geometry.dilation * (geometry.kernel - 1) + 1;
  const onnxOut = (n: number, before: number, after: number) => {
    const span = (n + before + after - extent) / geometry.stride;
    return (ceilMode ? Math.ceil(span) : Math.floor(span)) + 1;
  };
  const candidates: Padding[] = [];
  if (top === 0 && left === 0) candidates.push('valid');
  if (top === left && top > 0) candidates.push(top);
  candidates.push('same');
  for (const padding of candidates) {
    const spec = { ...geometry, padding };
    const rows = windowAxis(size[0], spec);
    const cols = windowAxis(size[1], spec);
    if (!rows || !cols) continue;
    if (rows.padBefore === top && cols.padBefore === left && rows.out === onnxOut(size[0], top, bottom) && cols.out === onnxOut(size[1], left, right)) return padding;
  }
  return null;
}
