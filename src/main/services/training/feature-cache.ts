import * as tf from '@tensorflow/tfjs';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import type { CompiledModel } from '../engine';
import type { ImageBatch } from './train-step';
import type { TrainingData } from './training-data';

/** Whether a run's head can train on cached body outputs: the frozen layer whose output is cached, or why not. */
export type FeatureCachePlan =
  | { node: string; featureShape: number[]; bytes: number }
  | { node: null; why: 'switched-off' | 'augmented' | 'nothing-frozen' | 'branches' | 'too-big'; reason: string };

/** True when a node's layers train (they have trainable weights) or draw random numbers in training (Dropout). */
function changesInTraining(compiled: CompiledModel, id: string): boolean {
  const node = compiled.nodes.get(id)!;
  if (node.layers.some((l) => l.trainableWeights.length > 0)) return true;
  return node.kind === 'Dropout' && (node.layers[0] as unknown as { rate: number }).rate > 0;
}

/**
 * Finds where the frozen body ends. Layers that train, draw dropout masks, or read such a layer's
 * output form the head; the rest is the body, which gives every image the same output at every step.
 * The cache is possible when the head reads exactly one body layer (not the Input), augmentation is
 * off (or each epoch would see other pixels), and the features of every image fit in `budgetBytes`.
 */
export function planFeatureCache(flat: FlatGraph, compiled: CompiledModel, options: { enabled: boolean; augmented: boolean; images: number; budgetBytes: number }): FeatureCachePlan {
  const live = new Set<string>();
  for (const node of flat.nodes) if (changesInTraining(compiled, node.id) || node.inputs.some((i) => live.has(i))) live.add(node.id);
  const frontier = new Set(flat.nodes.filter((n) => live.has(n.id)).flatMap((n) => n.inputs.filter((i) => !live.has(i))));
  const node = [...frontier][0];
  if (node === undefined || (frontier.size === 1 && node === flat.inputId)) return { node: null, why: 'nothing-frozen', reason: 'no frozen layers come before the trainable ones' };
  if (!options.enabled) return { node: null, why: 'switched-off', reason: 'it is switched off in the fine-tuning settings' };
  if (options.augmented) return { node: null, why: 'augmented', reason: 'augmentation changes the images at every epoch' };
  if (frontier.size > 1) return { node: null, why: 'branches', reason: `the trainable layers read the outputs of ${frontier.size} frozen layers (${[...frontier].join(', ')}), not of one` };
  const featureShape = [...flat.nodes.find((n) => n.id === node)!.outputShape];
  const bytes = featureShape.reduce((p, d) => p * d, 1) * 4 * options.images;
  if (bytes > options.budgetBytes) {
    return { node: null, why: 'too-big', reason: `the outputs of ${node} for ${options.images} images (${Math.ceil(bytes / 2 ** 20)} MB) exceed the cache budget (${Math.floor(options.budgetBytes / 2 ** 20)} MB)` };
  }
  return { node, featureShape, bytes };
}

/**
 * The frozen body's outputs, computed once per image, and the head as its own model on them. The head
 * reuses the compiled model's layers (same weights, same dropout steps), so training it on cached
 * outputs gives the losses training the whole network would, at the cost of the head alone.
 * Training features are computed in training mode, validation features in inference mode, as the
 * uncached run computes them.
 */
export class FeatureCache {
  readonly head: tf.LayersModel;
  readonly featureShape: number[];
  private readonly body: tf.LayersModel;
  private readonly train = new Map<string, Float32Array>();
  private validation: ImageBatch[] | null = null;
  private complete = false;
  private readonly featureSize: number;

  constructor(
    compiled: CompiledModel,
    flat: FlatGraph,
    readonly node: string,
  ) {
    const cut = flat.nodes.find((n) => n.id === node)!;
    this.featureShape = [...cut.outputShape];
    this.featureSize = this.featureShape.reduce((p, d) => p * d, 1);
    this.body = tf.model({ inputs: compiled.nodes.get(flat.inputId)!.output, outputs: compiled.nodes.get(node)!.output, name: 'cnn-studio-body' });
    // The head: the layers after the cut, applied again (weights shared) to an input shaped like the body's output.
    const input = tf.input({ shape: this.featureShape, name: 'cnn-studio-features' });
    const outputs = new Map<string, tf.SymbolicTensor>([[node, input]]);
    const after = flat.nodes.slice(flat.nodes.indexOf(cut) + 1);
    const needed = new Set<string>();
    for (const n of after) if (n.inputs.some((i) => i === node || needed.has(i))) needed.add(n.id);
    for (const n of after.filter((x) => needed.has(x.id))) {
      const [first, ...rest] = compiled.nodes.get(n.id)!.layers;
      const inputs = n.inputs.map((i) => outputs.get(i)!);
      let out = first!.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor;
      for (const layer of rest) out = layer.apply(out) as tf.SymbolicTensor;
      outputs.set(n.id, out);
    }
    this.head = tf.model({ inputs: input, outputs: outputs.get(flat.outputId)!, name: 'cnn-studio-head' });
  }

  /** True once one whole epoch has been computed: later epochs replay the cache without reading images. */
  get isComplete(): boolean {
    return this.complete;
  }

  /** The epoch's training batches as body outputs: computed from the images the first time, replayed after. */
  async *trainBatches(data: TrainingData, epoch: number): AsyncGenerator<ImageBatch> {
    if (this.complete) {
      for (const planned of data.batchPlan(epoch)) {
        const kept = planned.files.map((file, i) => ({ file, label: planned.labels[i]!, features: this.train.get(file) })).filter((k) => k.features);
        if (!kept.length) continue;
        const x = new Float32Array(kept.length * this.featureSize);
        kept.forEach((k, i) => x.set(k.features!, i * this.featureSize));
        yield { x, y: Int32Array.from(kept.map((k) => k.label)), size: kept.length, files: kept.map((k) => k.file) };
      }
      return;
    }
    for await (const batch of data.trainBatches(epoch)) {
      const features = await this.features(batch, true);
      batch.files.forEach((file, i) => this.train.set(file, features.slice(i * this.featureSize, (i + 1) * this.featureSize)));
      yield { x: features, y: batch.y, size: batch.size, files: batch.files };
    }
    this.complete = true;
  }

  /** The validation batches as body outputs (inference mode), computed once. */
  async *validationBatches(data: TrainingData): AsyncGenerator<ImageBatch> {
    if (this.validation) {
      yield* this.validation;
      return;
    }
    const kept: ImageBatch[] = [];
    for await (const batch of data.validationBatches()) {
      const cached = { x: await this.features(batch, false), y: batch.y, size: batch.size, files: batch.files };
      kept.push(cached);
      yield cached;
    }
    this.validation = kept;
  }

  /**
   * Frees the cached outputs and the head's graph. Applying the head's layers again counted one more
   * reference to each (TF.js frees a layer's weights when its count reaches zero), which disposing the
   * head gives back; the body model applied nothing new, so it is left alone, and the layers and their
   * weights stay the network's.
   */
  dispose(): void {
    this.train.clear();
    this.validation = null;
    this.head.dispose();
  }

  /** The body's outputs for a batch, read asynchronously (WebGPU cannot read synchronously in Node). */
  private async features(batch: ImageBatch, training: boolean): Promise<Float32Array> {
    const out = tf.tidy(() => {
      const [, ...shape] = this.body.inputs[0]!.shape as number[];
      const xs = tf.tensor(batch.x, [batch.size, ...shape]);
      return this.body.apply(xs, { training }) as tf.Tensor;
    });
    try {
      return Float32Array.from((await out.data()) as Float32Array);
    } finally {
      out.dispose();
    }
  }
}
