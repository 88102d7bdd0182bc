import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../../../src/main/services/export/onnx/onnx-proto';
import { exportOnnx } from '../../../../src/main/services/export/onnx/onnx-writer';
import type { ModelProtoData } from '../../../../src/shared/onnx/model-proto';
import { chain } from '../../../support/graph-fixtures';
import { checkOnnxModel } from './support/onnx-checker';
import { compileWith, flatOf, modelWeights, useWasm } from './support/parity';

/** The tests' checker must catch what ONNX's checker catches, or its silence on our files proves nothing. */
let valid: () => ModelProtoData;

beforeAll(async () => {
  await useWasm();
  const flat = flatOf(chain([6, 6, 3], [['conv', 'Conv2D', { filters: 2, kernelSize: 3 }], ['gap', 'GlobalAvgPool']], { classes: 2 }));
  const compiled = compileWith(flat);
  const bytes = exportOnnx({ flat, weights: modelWeights(compiled), opset: 11, producerVersion: 'test' });
  compiled.model.dispose();
  valid = () => decodeModelProto(bytes, 'valid.onnx');
});

describe('the ONNX checker of the tests', () => {
  it('accepts_a_valid_model', () => expect(checkOnnxModel(valid())).toEqual([]));

  it('catches_each_broken_rule', () => {
    const broken = (change: (m: ModelProtoData) => void): string[] => {
      const model = valid();
      change(model);
      return checkOnnxModel(model);
    };
    expect(broken((m) => m.graph!.node!.reverse())).toContainEqual(expect.stringContaining('before it is produced (topological order)'));
    expect(broken((m) => (m.irVersion = 8))).toContain('ir_version 8 does not go with opset 11 (expected 6)');
    expect(broken((m) => m.graph!.valueInfo!.pop())).toContainEqual(expect.stringMatching(/^tensor .* has no value_info$/));
    expect(broken((m) => (m.graph!.initializer![0]!.dims = [2, 3, 3, 2]))).toContainEqual(expect.stringContaining('holds 216 bytes for dims [2, 3, 3, 2]'));
    expect(broken((m) => (m.graph!.node![1]!.output = m.graph!.node![0]!.output))).toContainEqual(expect.stringContaining('which already exists'));
    expect(broken((m) => (m.graph!.output![0]!.name = 'nowhere'))).toContain('graph output nowhere is produced by no node');
    // Squeeze takes its axes as an attribute before opset 13 and as an input from 13 on.
    expect(broken((m) => (m.opsetImport![0]!.version = 13))).toContainEqual(expect.stringContaining('has the attribute axes, which Squeeze does not have at opset 13'));
    expect(broken((m) => m.graph!.node![0]!.attribute!.push({ name: 'bogus', type: 2, i: 1 }))).toContainEqual(expect.stringContaining('has the attribute bogus'));
    expect(broken((m) => (m.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = { dimValue: 1 }))).toContain('value_info input does not start with the symbolic batch');
  });
});
