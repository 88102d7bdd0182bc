import { describe, expect, it } from 'vitest';
import { droppedMarks, paddingMarks, windowMarks } from '../../../src/renderer/src/panels/explainer/grid-marks';
import { baselineName, classF1Rows, sideFacts, verdict } from '../../../src/renderer/src/panels/hog/comparison';
import type { SideFacts } from '../../../src/renderer/src/panels/hog/comparison';
import { filterChange, filterGrids, filterModes } from '../../../src/renderer/src/panels/insight/filter-view';
import { handCraftedConvParams, insertAfterInput } from '../../../src/renderer/src/panels/insight/hand-crafted-layer';
import { endsInRelu, isVector, mapRange, shapeText, vectorStrip } from '../../../src/renderer/src/panels/insight/layer-maps';
import { base64Bytes, gridPixels, greyPixels, legendGradient, rgbPixels } from '../../../src/renderer/src/panels/insight/raster';
import { identityKernel } from '../../../src/renderer/src/stores/hand-crafted-store';
import type { EvaluationResult } from '../../../src/shared/api/methods/evaluation';
import { StudioError } from '../../../src/shared/errors';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { filterReport } from '../support/insight-fixtures';
import { smallNet } from '../support/project-fixtures';

describe('rasters for the maps', () => {
  it('colours_values_with_the_shared_scales_and_paints_grey_and_rgb', () => {
    // viridis runs from #440154 to #fde725; grey from black to white.
    expect(Array.from(gridPixels([[0, 1]], 'viridis', { min: 0, max: 1 }))).toEqual([0x44, 0x01, 0x54, 255, 0xfd, 0xe7, 0x25, 255]);
    expect(Array.from(gridPixels([[-1, 0, 1]], 'grey', { min: -1, max: 1 }, 128))).toEqual([0, 0, 0, 128, 128, 128, 128, 128, 255, 255, 255, 128]);
    expect(Array.from(rgbPixels([[[1]], [[0]], [[-1]]], { min: -1, max: 1 }))).toEqual([255, 128, 0, 255]);
    expect(Array.from(greyPixels([7, 200], 1, 2))).toEqual([7, 7, 7, 255, 200, 200, 200, 255]);
    expect(legendGradient('grey', 3)).toBe('linear-gradient(90deg, rgb(0, 0, 0), rgb(128, 128, 128), rgb(255, 255, 255))');
    expect(Array.from(base64Bytes(btoa('\u0000\u00ff\u0007')))).toEqual([0, 255, 7]);
  });
});

describe('the filter grids', () => {
  it('offers_colour_only_for_three_channels_and_keeps_bgr_filters_in_true_colour', () => {
    expect(filterModes(1)).toEqual(['channels', 'average']);
    expect(filterModes(3)).toEqual(['rgb', 'channels', 'average']);
    const rgbFilter = [[[[1]], [[0]], [[-1]]]];
    const report = filterReport({ values: rgbFilter, channels: 3, kernelSize: 1, filters: 1, initial: null, channelOrder: 'bgr' });
    const grids = filterGrids(report, { mode: null, scale: 'shared', compare: true });
    expect(grids.before).toBeNull();
    expect(grids.after.mode).toBe('rgb');
    // BGR weights: plane 0 is blue, so red is drawn from plane 2.
    expect(grids.after.rows[0]![0]!.planes).toEqual([[[-1]], [[0]], [[1]]]);
    // A mode the layer cannot show falls back to its default.
    expect(filterGrids(filterReport(), { mode: 'rgb', scale: 'shared', compare: false }).after.mode).toBe('channels');
  });

  it('puts_before_and_after_on_one_symmetric_scale_and_measures_the_change', () => {
    const report = filterReport({ values: [[[[0.5]]]], filters: 1, kernelSize: 1, initial: { weightsFrom: 'initial', values: [[[[-2]]]], bias: null } });
    const grids = filterGrids(report, { mode: null, scale: 'shared', compare: true });
    expect(grids.range).toEqual({ min: -2, max: 2 });
    expect(grids.after.rows[0]![0]!.range).toEqual({ min: -2, max: 2 });
    expect(grids.before!.rows[0]![0]!.range).toEqual({ min: -2, max: 2 });
    // Per-filter scales stay each grid's own.
    expect(filterGrids(report, { mode: null, scale: 'per-filter', compare: true }).after.rows[0]![0]!.range).toEqual({ min: -0.5, max: 0.5 });
    expect(filterChange(report)).toEqual([2.5]);
    expect(filterChange(filterReport({ initial: null }))).toBeNull();
  });
});

describe('hand-crafted filters as a layer', () => {
  it('sets_presets_or_typed_kernels_spread_over_the_input_channels', () => {
    expect(handCraftedConvParams({ presets: ['sobel-vertical'] }, 3, false)).toEqual({
      strides: 1,
      padding: 'same',
      activation: 'linear',
      useBias: false,
      trainable: false,
      filters: 1,
      kernelSize: 3,
      filterPreset: ['sobel-vertical'],
      filterValues: null,
    });
    const typed = handCraftedConvParams({ kernels: [identityKernel(3)] }, 2, true);
    expect(typed).toMatchObject({ filters: 1, kernelSize: 3, trainable: true, filterPreset: null });
    expect(typed.filterValues).toEqual([[identityKernel(3).map((r) => r.map((v) => v / 2)), identityKernel(3).map((r) => r.map((v) => v / 2))]]);
    expect(() => handCraftedConvParams({ presets: [] }, 1, false)).toThrow('Choose at least one preset mask to put into the network.');
    expect(() => handCraftedConvParams({ kernels: [identityKernel(3), identityKernel(5)] }, 1, false)).toThrow('The kernels put into one layer must all be square and of the same size.');
  });

  it('inserts_the_layer_between_the_input_and_what_it_fed_so_the_network_still_fits', () => {
    const { graph, id } = insertAfterInput(smallNet(), 'Conv2D', handCraftedConvParams({ presets: ['sobel-vertical', 'sobel-horizontal'] }, 1, false));
    expect(id).toBe('handcrafted1');
    expect(graph.edges.slice(0, 2)).toEqual([
      { from: 'input', to: 'handcrafted1' },
      { from: 'handcrafted1', to: 'conv1' },
    ]);
    const analysis = analyzeGraph(graph);
    expect(analysis.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(analysis.nodes.find((n) => n.id === 'handcrafted1')?.outputShape).toEqual([28, 28, 2]);
    expect(() => insertAfterInput({ nodes: [], edges: [] }, 'Conv2D', {})).toThrow(StudioError);
  });
});

describe('layer maps', () => {
  it('tells_vectors_from_maps_and_chooses_ranges', () => {
    const stats = { mean: 0, min: -1, max: 4, zeroFraction: 0 };
    const vector = { layer: 'd', kind: 'Dense', shape: [3, 1, 1] as [number, number, number], maps: [[[1]], [[2]], [[3]]], stats, mapsShown: 3 };
    const maps = { layer: 'c', kind: 'Conv2D', shape: [2, 2, 2] as [number, number, number], maps: [[[0, 1], [2, 3]], [[-1, 0], [4, 0]]], stats, mapsShown: 2 };
    expect([isVector(vector), isVector(maps)]).toEqual([true, false]);
    expect(vectorStrip(vector)).toEqual([[1, 2, 3]]);
    expect([shapeText(vector), shapeText(maps)]).toEqual(['3', '2x2x2']);
    expect(mapRange(maps, 0, 'layer')).toEqual({ min: -1, max: 4 });
    expect(mapRange(maps, 0, 'map')).toEqual({ min: 0, max: 3 });
    expect([endsInRelu({ kind: 'Conv2D', params: { activation: 'relu' } }), endsInRelu({ kind: 'Activation', params: { activation: 'tanh' } }), endsInRelu(undefined)]).toEqual([true, false, false]);
  });
});

describe('grid marks for the explainer', () => {
  it('marks_padding_windows_and_the_cells_no_window_reaches', () => {
    const pads = paddingMarks(2, 2, { top: 1, bottom: 1, left: 1, right: 0 });
    expect(Object.keys(pads).sort()).toEqual(['0:0', '0:1', '0:2', '1:0', '2:0', '3:0', '3:1', '3:2']);
    expect(Object.keys(windowMarks({}, 0, 0, 2, 2)).sort()).toEqual(['0:0', '0:2', '2:0', '2:2']);
    expect(Object.keys(droppedMarks({}, 3, 3, 1, 0)).sort()).toEqual(['2:0', '2:1', '2:2']);
  });
});

describe('the comparison with a baseline', () => {
  const facts = (accuracy: number): SideFacts => ({ accuracy, loss: 1, meanF1: accuracy, images: 300, seconds: 1, parameters: 10, epochs: 1, backend: null });

  it('says_how_it_came_out_whichever_side_wins', () => {
    expect(verdict(facts(0.84), facts(0.82), 'HOG baseline')).toBe('On these 300 images the network is 2.0 points more accurate than the HOG baseline.');
    expect(verdict(facts(0.82), facts(0.84), 'HOG baseline')).toBe('On these 300 images the HOG baseline is 2.0 points more accurate than the network: on this data the hand-crafted features win.');
    expect(verdict(facts(0.8), facts(0.8), 'HOG baseline')).toBe('On these 300 images the network and the HOG baseline are equally accurate.');
    expect(baselineName('HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys) baseline for LeNet-5')).toBe('HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys) baseline');
    expect(baselineName('LeNet-5')).toBe('baseline');
  });

  it('pairs_the_classes_f1_and_reads_time_and_parameters_from_the_metrics', () => {
    const report = (f1: number[]) => ({ report: { accuracy: 0.5, loss: 1, images: 4, perClass: ['a', 'b'].map((c, i) => ({ class: c, precision: 0, recall: 0, f1: f1[i]!, support: 2 })) } }) as unknown as EvaluationResult;
    expect(classF1Rows(report([0.5, 1]), report([0.25, 0.75]))).toEqual([
      { className: 'a', network: 0.5, baseline: 0.25 },
      { className: 'b', network: 1, baseline: 0.75 },
    ]);
    const epoch = { type: 'epoch' as const, epoch: 1, epochs: 2, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, imagesPerSecond: 1, seconds: 3, learningRate: 0.1, eta: 0, best: false };
    const side = sideFacts(report([0.5, 1]), { runDir: '/r', start: null, epochs: [epoch, { ...epoch, epoch: 2 }], batches: [], statuses: [], done: null, damagedLines: 0 });
    expect(side).toMatchObject({ meanF1: 0.75, seconds: 6, parameters: null, epochs: 2 });
  });
});
