import { describe, expect, it } from 'vitest';
import { defaultGradCamLayer, firstConvLayer, requireLayer } from '../../../../src/main/services/insight/layer-choice';
import { buildTemplate } from '../../../../src/shared/templates';
import { chain } from '../../../support/graph-fixtures';
import { flatOf } from '../engine/engine-fixtures';

const resnetLike = () =>
  flatOf(
    chain([16, 16, 3], [
      ['stem', 'Conv2D', { filters: 8, kernelSize: 3, padding: 'same' }],
      ['res', 'Residual', { filters: 16, strides: 2 }],
      ['gap', 'GlobalAvgPool'],
    ]),
  );

describe('choosing a layer', () => {
  it('grad_cam_defaults_to_the_last_conv_with_a_map', () => {
    // LeNet-5's c5 is 1x1 (nothing to localise): Grad-CAM takes c3.
    const lenet = flatOf(buildTemplate('lenet5', { input: { height: 32, width: 32, channels: 1 }, classes: 10 }));
    expect(defaultGradCamLayer(lenet).id).toBe(lenet.nodes.filter((n) => n.kind === 'Conv2D').at(-2)!.id);
    // Inside a residual block: the block's output (after the addition and its ReLU).
    expect(defaultGradCamLayer(resnetLike()).id).toBe('res.relu');
    expect(firstConvLayer(resnetLike()).id).toBe('stem');
  });

  it('a_block_id_names_its_layers', () => {
    expect(() => requireLayer(resnetLike(), 'res', 'conv')).toThrow('"res" is a block, not a single layer; its layers are named "res.…": res.conv1, res.proj, res.conv2.');
  });

  it('a_vector_is_not_a_map', () => {
    expect(() => requireLayer(resnetLike(), 'gap', 'map')).toThrow('Layer gap outputs a vector of 16 values, not a feature map.');
  });
});
