import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../src/main/services/engine/backends';

describe('the project gradients on the plain JavaScript backend alone', () => {
  it('train_a_dilated_convolution', async () => {
    // Loaded without WebAssembly first: TF.js's own Conv2D gradient refuses dilation.
    await loadBackend('cpu');
    const g = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 5, 5, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid', 'NHWC', 2)))(tf.ones([2, 2, 1, 1])).dataSync());
    expect(Array.from(g)).toEqual([9, 9, 9, 9]);
  });
});
