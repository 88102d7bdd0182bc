import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../shared/errors';
import type { NodeWeights, WeightRole, WeightSet } from '../../../shared/weights';
import { WEIGHT_ROLES } from '../../../shared/weights';
import type { CompiledModel } from './compile-model';

/**
 * Every weight of a compiled model in the interchange format: by flat node id and role, shapes as
 * TF.js holds them (Conv2D kernels HWIO, Dense kernels `[inputs, units]`). Values are copies.
 */
export function readWeights(compiled: CompiledModel): WeightSet {
  const out: WeightSet = {};
  for (const node of compiled.nodes.values()) {
    const roles = WEIGHT_ROLES.filter((role) => node.weights[role]);
    if (!roles.length) continue;
    const entry: NodeWeights = {};
    for (const role of roles) {
      const variable = node.weights[role]!;
      // read() returns the variable itself (nothing to dispose); tf.tidy around a typed array would walk it element by element.
      const values = variable.read().dataSync() as Float32Array;
      entry[role] = { shape: [...variable.shape] as number[], values: Float32Array.from(values) };
    }
    out[node.id] = entry;
  }
  return out;
}

/**
 * `readWeights` on every backend, WebGPU included: the values are downloaded asynchronously first
 * (TF.js then keeps them on the CPU, where the synchronous read finds them). WebGPU in Node cannot
 * read a tensor synchronously (see webgpu-backend.ts).
 */
export async function readWeightsAsync(compiled: CompiledModel): Promise<WeightSet> {
  const variables = [...compiled.nodes.values()].flatMap((node) => WEIGHT_ROLES.map((role) => node.weights[role]).filter((v): v is tf.LayerVariable => !!v));
  await Promise.all(variables.map((variable) => variable.read().data()));
  return readWeights(compiled);
}

/**
 * Sets every weight of a compiled model from a weight set. All tensors are checked before any is
 * written, so a mismatch leaves the model as it was; a missing tensor or a wrong shape is a
 * StudioError naming the node, the role, and the expected and found shapes. `source` names where the
 * weights come from (a checkpoint file) in messages.
 */
export function writeWeights(compiled: CompiledModel, weights: WeightSet, source = 'the weights'): void {
  const writes: { variable: tf.LayerVariable; values: Float32Array; shape: number[] }[] = [];
  for (const node of compiled.nodes.values()) {
    for (const role of WEIGHT_ROLES) {
      const variable = node.weights[role];
      if (!variable) continue;
      const expected = [...variable.shape] as number[];
      const tensor = weights[node.id]?.[role];
      if (!tensor) {
        throw new StudioError('run-invalid', `${source} hold no ${role} for layer ${node.id} (expected ${formatShape(expected)}).`, {
          hint: 'The weights belong to another network: use weights trained with this graph, or train again.',
          where: `${node.id}/${role}`,
        });
      }
      const size = expected.reduce((p, d) => p * d, 1);
      if (!sameShape(tensor.shape, expected) || tensor.values.length !== size) {
        throw new StudioError('run-invalid', `${source} give layer ${node.id} a ${role} of shape ${formatShape(tensor.shape)}, but the layer needs ${formatShape(expected)}.`, {
          hint: 'The layer was changed since these weights were trained: undo the change, or train again.',
          where: `${node.id}/${role}`,
        });
      }
      writes.push({ variable, values: tensor.values, shape: expected });
    }
  }
  for (const { variable, values, shape } of writes) {
    tf.tidy(() => {
      variable.write(tf.tensor(values, shape, 'float32'));
    });
  }
}

/** Roles of `weights` that the compiled model has no place for (`node/role`), for warnings on import. */
export function unusedWeights(compiled: CompiledModel, weights: WeightSet): string[] {
  const unused: string[] = [];
  for (const [id, entry] of Object.entries(weights)) {
    for (const role of Object.keys(entry) as WeightRole[]) {
      if (!compiled.nodes.get(id)?.weights[role]) unused.push(`${id}/${role}`);
    }
  }
  return unused;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
