import { readFileSync } from 'node:fs';
import * as protobufModule from 'protobufjs';
import { StudioError } from '../../../../shared/errors';
import type { ModelProtoData } from '../../../../shared/onnx/model-proto';
import { defaultAssetResolver } from '../../resources/asset-resolver';

// protobufjs is CommonJS: Node's ESM loader exposes it only as the default export, bundlers as the namespace.
const protobuf = (protobufModule as unknown as { default?: typeof protobufModule }).default ?? protobufModule;

let modelType: protobufModule.Type | null = null;

/** The `onnx.ModelProto` message type, parsed once from resources/onnx/onnx.proto. */
function modelProtoType(): protobufModule.Type {
  if (modelType) return modelType;
  const path = defaultAssetResolver().require('onnxSchema');
  const root = protobuf.parse(readFileSync(path, 'utf8'), { keepCase: false }).root;
  modelType = root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Serialises a model with protobufjs; field names are protobufjs's camelCase forms of onnx.proto's. */
export function encodeModelProto(model: ModelProtoData): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new StudioError('internal', `The ONNX model could not be written: ${problem}.`, { hint: 'Report this as a defect, with the project file.' });
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Parses ONNX bytes into plain objects (int64 as numbers, bytes as Uint8Array). Bytes that are not a
 * protobuf message (a truncated download, another format) are a StudioError naming `fileName`.
 */
export function decodeModelProto(bytes: Uint8Array, fileName: string): ModelProtoData {
  const type = modelProtoType();
  try {
    const message = type.decode(bytes);
    return type.toObject(message, { longs: Number, arrays: true }) as ModelProtoData;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new StudioError('onnx-invalid', `${fileName} is not a readable ONNX model: its bytes are not a valid ONNX protobuf (${why}).`, {
      hint: 'The file may be truncated or of another format; export it again from its source.',
      where: fileName,
    });
  }
}
