import * as tf from '@tensorflow/tfjs';
import type { OptimizerSettings } from '../../../shared/project/settings';
import { createAdamOptimizer } from '../engine';

/**
 * An optimizer whose learning rate can change between epochs. TF.js's SGD and momentum optimizers
 * keep the rate in a scalar set by `setLearningRate`; Adam and RMSprop read `learningRate` at each step.
 */
export interface StudioOptimizer {
  optimizer: tf.Optimizer;
  setLearningRate(rate: number): void;
}

export function createOptimizer(settings: OptimizerSettings): StudioOptimizer {
  const lr = settings.learningRate;
  switch (settings.type) {
    case 'sgd': {
      const optimizer = settings.momentum > 0 ? tf.train.momentum(lr, settings.momentum, settings.nesterov) : tf.train.sgd(lr);
      return { optimizer, setLearningRate: (rate) => optimizer.setLearningRate(rate) };
    }
    case 'adam': {
      // TF.js's Adam state and class name, with one fused update pass per variable on wasm.
      const optimizer = createAdamOptimizer(lr, settings.beta1, settings.beta2, settings.epsilon);
      return { optimizer, setLearningRate: (rate) => void ((optimizer as unknown as { learningRate: number }).learningRate = rate) };
    }
    case 'rmsprop': {
      const optimizer = tf.train.rmsprop(lr, settings.rho, settings.momentum, settings.epsilon);
      return { optimizer, setLearningRate: (rate) => void ((optimizer as unknown as { learningRate: number }).learningRate = rate) };
    }
  }
}

type SavedTensor = { name: string; shape: number[]; values: Float32Array };

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as running products; `setWeights` recomputes them as powers, which rounds
 * differently in float32. Saving the products themselves makes a resumed run bit-identical.
 */
interface AdamProducts {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}
const ADAM_PRODUCTS = ['accBeta1', 'accBeta2'] as const;
const PRODUCT_PREFIX = 'cnn-studio:';

/** The optimizer's state (moments, iteration count) as plain arrays, for a checkpoint. */
export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<SavedTensor[]> {
  if (optimizer.getClassName() === 'SGD') return [];
  const weights = await optimizer.getWeights();
  const saved = await Promise.all(weights.map(async (w) => ({ name: w.name, shape: [...w.tensor.shape], values: Float32Array.from(await w.tensor.data()) })));
  // getWeights makes the iteration count a new scalar on every call (the moments are the optimizer's own variables).
  tf.dispose(weights.filter((w) => w.name === 'iter').map((w) => w.tensor));
  if (optimizer.getClassName() === 'Adam') {
    const adam = optimizer as unknown as AdamProducts;
    for (const key of ADAM_PRODUCTS) saved.push({ name: `${PRODUCT_PREFIX}${key}`, shape: [], values: Float32Array.from(await adam[key].data()) });
  }
  return saved;
}

/** Restores a state saved by `saveOptimizerState` (the iteration counter is the first entry). */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: SavedTensor[]): Promise<void> {
  const products = state.filter((s) => s.name.startsWith(PRODUCT_PREFIX));
  const weights = state.filter((s) => !s.name.startsWith(PRODUCT_PREFIX));
  if (!weights.length) return;
  const tensors = weights.map((s, i) => ({ name: s.name, tensor: i === 0 ? tf.scalar(s.values[0] ?? 0, 'int32') : tf.tensor(s.values, s.shape) }));
  await optimizer.setWeights(tensors);
  // The moments became variables sharing these tensors' data (a reference each), and the count was read: release the handles.
  tf.dispose(tensors.map((t) => t.tensor));
  if (optimizer.getClassName() === 'Adam') {
    const adam = optimizer as unknown as AdamProducts;
    for (const p of products) {
      const key = p.name.slice(PRODUCT_PREFIX.length) as (typeof ADAM_PRODUCTS)[number];
      if (ADAM_PRODUCTS.includes(key)) adam[key].assign(tf.scalar(p.values[0] ?? 0));
    }
  }
}
