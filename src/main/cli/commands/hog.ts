import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { hogCellDetail } from '../../../shared/hog/cell-detail';
import { computeHog } from '../../../shared/hog/hog';
import type { HogSettings } from '../../../shared/hog/hog-settings';
import { BLOCK_NORMS, DEFAULT_HOG_SETTINGS } from '../../../shared/hog/hog-settings';
import { decodeGreyImage, hogPicturePng } from '../../services/baseline/hog-image';
import { writeFileAtomic } from '../../services/files/atomic-write';
import type { CliCommand, OptionSpec, ParsedArgs } from '../command';
import type { CliIo } from '../command';
import { EXIT, choiceOption, formatCount, intOption, stringOption } from '../command';

/** The HOG options `hog` and `baseline` share. */
export const HOG_OPTIONS: Record<string, OptionSpec> = {
  cell: { type: 'string', value: 'P', description: `Cell size in pixels (default ${DEFAULT_HOG_SETTINGS.cellSize}).` },
  block: { type: 'string', value: 'B', description: `Block size in cells (default ${DEFAULT_HOG_SETTINGS.blockSize}).` },
  bins: { type: 'string', value: 'N', description: `Orientation bins over 0-180 degrees (default ${DEFAULT_HOG_SETTINGS.bins}).` },
  norm: { type: 'string', value: 'NAME', description: 'Block normalisation: L2-Hys (default), L2, L1 or L1-sqrt.' },
};

/** The HOG settings of the command line, defaults for what is not given. */
export function hogSettingsOption(args: ParsedArgs): HogSettings {
  return {
    cellSize: intOption(args, 'cell', { min: 1, max: 512 }) ?? DEFAULT_HOG_SETTINGS.cellSize,
    blockSize: intOption(args, 'block', { min: 1, max: 64 }) ?? DEFAULT_HOG_SETTINGS.blockSize,
    bins: intOption(args, 'bins', { min: 1, max: 180 }) ?? DEFAULT_HOG_SETTINGS.bins,
    norm: choiceOption(args, 'norm', BLOCK_NORMS) ?? DEFAULT_HOG_SETTINGS.norm,
  };
}

/** `--size 28` or `--size 64x128` (height x width). */
export function sizeOption(args: ParsedArgs): { height: number; width: number } | undefined {
  const text = stringOption(args, 'size');
  if (text === undefined) return undefined;
  const match = /^\s*(\d+)\s*(?:[xX×]\s*(\d+))?\s*$/.exec(text);
  const height = match ? Number(match[1]) : Number.NaN;
  const width = match?.[2] ? Number(match[2]) : height;
  if (!(height >= 1 && height <= 4096 && width >= 1 && width <= 4096)) {
    throw new StudioError('invalid-argument', `--size is "${text}", but it must be N or HEIGHTxWIDTH, whole numbers from 1 to 4096 (for example 28 or 128x64).`, { where: '--size' });
  }
  return { height, width };
}

function cellOption(args: ParsedArgs): { row: number; col: number } | undefined {
  const text = stringOption(args, 'detail');
  if (text === undefined) return undefined;
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  if (!match) throw new StudioError('invalid-argument', `--detail is "${text}", but it must be ROW,COLUMN of a cell (for example 3,2).`, { where: '--detail' });
  return { row: Number(match[1]), col: Number(match[2]) };
}

function printCompactJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

export const hogCommand: CliCommand = {
  name: 'hog',
  summary: 'Histograms of Oriented Gradients of an image: the feature vector, or the picture of its glyphs.',
  usage: 'cnn-studio hog IMAGE [--cell P] [--block B] [--bins N] [--norm L2-Hys|L2|L1|L1-sqrt] [--size HxW] [--detail ROW,COL] (--json | --png OUT [--scale N])',
  description:
    'Computes HOG as Dalal and Triggs define it and as scikit-image 0.19 computes it (skimage.feature.hog): centred\n' +
    'differences, unsigned orientations in N bins (each pixel votes its magnitude into one bin), P x P-pixel cells, blocks\n' +
    'of B x B cells sliding one cell at a time, each block normalised. A colour image is converted to grey as the dataset\n' +
    'pipeline does (Rec. 601 luma); the image keeps its own size unless --size fits it first (stretching).\n' +
    'JSON: {"file", "height", "width", "cellSize", "blockSize", "bins", "norm", "cells": [rows, cols], "blocks": [rows, cols],\n' +
    '"features": [...] (block row, block column, cell row, cell column, bin), "histograms": [...] (each cell\'s histogram\n' +
    'before block normalisation: cell row, cell column, bin)}, and with --detail ROW,COL a "cell" object: the patch\'s pixels,\n' +
    'each pixel\'s dx, dy, magnitude, angle and bin, the votes per bin and the cell\'s values in each block.\n' +
    '--png OUT writes the image with the cell grid and each cell\'s histogram as line glyphs (length = bin weight).',
  options: {
    ...HOG_OPTIONS,
    size: { type: 'string', value: 'HxW', description: 'Fit the image to this size first (N for N x N).' },
    detail: { type: 'string', value: 'ROW,COL', description: 'Add the detail of this cell to the JSON (0-based).' },
    json: { type: 'boolean', description: 'Print the features as JSON.' },
    png: { type: 'string', value: 'OUT', description: 'Write the glyph picture to this PNG file.' },
    scale: { type: 'string', value: 'N', description: 'Enlargement of the picture (default: about 512 pixels on the longer side).' },
  },
  positionals: { min: 1, max: 1, name: 'an image file' },
  async run(args, io) {
    const file = resolve(io.cwd, args.positionals[0]!);
    const settings = hogSettingsOption(args);
    const size = sizeOption(args);
    const detail = cellOption(args);
    const png = stringOption(args, 'png');
    const scale = intOption(args, 'scale', { min: 1, max: 32 });
    const image = await decodeGreyImage(file, size ? { size } : {});
    const result = computeHog(image, settings);
    const { grid } = result;
    const cell = detail ? hogCellDetail(image, result, detail.row, detail.col) : undefined;
    if (png) {
      const out = resolve(io.cwd, png);
      await writeFileAtomic(out, await hogPicturePng(image, result, scale ? { scale } : {}), { what: 'the HOG picture' });
      if (!args.values.json) io.stdout.write(`Wrote ${out}\n`);
    }
    if (args.values.json) {
      // One line: a feature vector has thousands of values.
      printCompactJson(io, {
        file,
        height: image.height,
        width: image.width,
        cellSize: settings.cellSize,
        blockSize: settings.blockSize,
        bins: settings.bins,
        norm: settings.norm,
        cells: [grid.cellRows, grid.cellCols],
        blocks: [grid.blockRows, grid.blockCols],
        features: Array.from(result.features),
        histograms: Array.from(result.histograms),
        ...(cell ? { cell } : {}),
      });
    } else if (!png) {
      io.stdout.write(
        `${file}: ${image.width} x ${image.height} pixels, ${grid.cellCols} x ${grid.cellRows} cells of ${settings.cellSize} pixels, ` +
          `${grid.blockCols} x ${grid.blockRows} blocks of ${settings.blockSize} x ${settings.blockSize} cells, ${settings.bins} bins, ${settings.norm}: ` +
          `${formatCount(grid.length)} features.\nUse --json for the values or --png OUT for the picture.\n`,
      );
    }
    return EXIT.ok;
  },
};
