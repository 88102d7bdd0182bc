/** The opset the studio writes unless asked otherwise. */
export const DEFAULT_OPSET = 13;

/** The opsets an export may ask for (ONNX 1.6 to 1.12, the ops the studio writes are all in them). */
export const EXPORT_OPSETS = [11, 12, 13, 14, 15, 16, 17] as const;
export type ExportOpset = (typeof EXPORT_OPSETS)[number];

/** The IR version each opset was released with (onnx/helper.py VERSION_TABLE). */
const IR_VERSION_BY_OPSET: Record<ExportOpset, number> = { 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8 };

/** True for an opset the exporter writes. */
export function isExportOpset(opset: number): opset is ExportOpset {
  return (EXPORT_OPSETS as readonly number[]).includes(opset);
}

/** The ir_version to write with an opset, so older runtimes that know the opset also accept the file. */
export function irVersionForOpset(opset: ExportOpset): number {
  return IR_VERSION_BY_OPSET[opset];
}

/** Input layouts of an exported model: channels first (PyTorch, ONNX's convention) or last (TF.js, the studio). */
export const INPUT_LAYOUTS = ['nchw', 'nhwc'] as const;
export type InputLayout = (typeof INPUT_LAYOUTS)[number];
