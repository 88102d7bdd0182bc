/** The dataset pipeline: image folders → samples and a report → decoded, augmented, batched arrays. */
export { scanImageFolder } from './image-folder';
export type { ScanOptions, ScanProgress } from './image-folder';
export type { DatasetIndex, DatasetSample } from './dataset-index';
export type { DatasetFileSystem, FileInfo } from './dataset-fs';
export { createBatchLoader, defaultWorkerCount, epochOrder } from './batch-loader';
export type { Batch, BatchLoader, BatchLoaderOptions } from './batch-loader';
export { decodeImageFile, decodeImageBytes, DEFAULT_MAX_PIXELS } from './image-decoder';
export type { DecodedImage, ImageGeometry, FileReader } from './image-decoder';
export { normalizePixelsInto, denormalize } from './normalization';
export { readModelInput } from './model-input';
export { computeChannelStats } from './channel-stats';
export type { ChannelStats, ChannelStatsOptions } from './channel-stats';
export { applyAugmentation, augmentImage, drawAugmentation, isAugmentationActive } from './augmentation';
export type { AugmentationDraw } from './augmentation';
export { normalizedImageToPng, pixelsToPng, renderAugmentationPreview, thumbnail } from './image-preview';
export type { AugmentationPreviewOptions } from './image-preview';
export { ImageProblem, isImageProblem } from './image-problem';
