import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../../../../shared/shapes/analyze';
import { loadBackend } from '../backends';
import { compileModel } from '../compile-model';
import { setTrainingStep } from '../training-step';
import { copyTensorInto, exchangeVariables, shardGradients, sizeOf, tensorFromShared } from './replica-gradients';
import { replicaRequestSchema, replicaSetupSchema } from './replica-protocol';
import type { ReplicaResponse, ReplicaStep } from './replica-protocol';

/**
 * A replica of the model on its own thread, for data-parallel training: at each step it takes the
 * main thread's weights from shared memory, computes the gradients of its shard of the batch, and
 * leaves them (and its updated BatchNorm statistics) in shared memory. Built as its own bundle entry
 * (`out/main/replica-worker.js`); steps are answered one after the other.
 */

const port = parentPort;
if (!port) throw new Error('replica-worker.ts runs only as a worker thread');

const setup = replicaSetupSchema.parse(workerData);
/** Steps between the dropout streams of two replicas: more than any run takes. */
const DROPOUT_STREAM = 1_000_003;
const send = (message: ReplicaResponse) => port.postMessage(message);

async function start(): Promise<(step: ReplicaStep) => void> {
  // One thread per replica: the replicas are the parallelism.
  await loadBackend(setup.backend, { wasmThreads: 1 });
  const flat = analyzeGraph(setup.graph).flat;
  if (!flat) throw new Error('the graph given to the replica is not valid');
  const compiled = compileModel(flat, { seed: setup.seed });
  // Seeded dropout draws its mask from (seed + step): give each replica its own stream of steps, so
  // that shards do not share masks.
  setTrainingStep(compiled, setup.index * DROPOUT_STREAM);
  const { variables, specs } = exchangeVariables(compiled);
  const mismatch = specs.findIndex((s, i) => s.name !== setup.variables[i]?.name || sizeOf(s) !== sizeOf(setup.variables[i]!) || s.trainable !== setup.variables[i]!.trainable);
  if (mismatch >= 0 || specs.length !== setup.variables.length) {
    throw new Error(`the replica's model does not match the main thread's (weight ${specs[mismatch]?.name ?? specs.length})`);
  }
  const weights = new Float32Array(setup.weights);
  const gradients = new Float32Array(setup.gradients);
  const images = new Float32Array(setup.images);
  const labels = new Int32Array(setup.labels);
  const trainableCount = specs.filter((s) => s.trainable).length;
  const options = { inputShape: setup.inputShape, classes: setup.classes, loss: setup.loss, weightDecay: setup.weightDecay };

  return (step) => {
    // The main thread's weights, BatchNorm statistics included.
    let offset = 0;
    for (let i = 0; i < variables.length; i++) {
      const size = sizeOf(specs[i]!);
      const view = weights.subarray(offset, offset + size);
      tf.tidy(() => {
        variables[i]!.write(tensorFromShared(view, specs[i]!.shape));
      });
      offset += size;
    }
    const result = shardGradients(compiled, images, labels, step.size, options);
    offset = 0;
    for (const grad of result.grads) {
      copyTensorInto(grad, gradients, offset);
      offset += grad.size;
    }
    tf.dispose(result.grads);
    // The statistics this shard moved the running averages to.
    for (let i = trainableCount; i < variables.length; i++) {
      tf.tidy(() => copyTensorInto(variables[i]!.read(), gradients, offset));
      offset += sizeOf(specs[i]!);
    }
    send({ type: 'done', id: step.id, loss: result.loss, correct: result.correct });
  };
}

start().then(
  (run) => {
    port.on('message', (raw: unknown) => {
      const parsed = replicaRequestSchema.safeParse(raw);
      if (!parsed.success) {
        send({ type: 'failed', id: -1, message: `malformed request: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
        return;
      }
      try {
        run(parsed.data);
      } catch (error) {
        send({ type: 'failed', id: parsed.data.id, message: error instanceof Error ? error.message : String(error) });
      }
    });
    send({ type: 'ready' });
  },
  (error: unknown) => send({ type: 'failed', id: -1, message: error instanceof Error ? error.message : String(error) }),
);
