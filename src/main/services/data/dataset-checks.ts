import type { DatasetWarning } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';

/**
 * The rules a dataset must pass before training (errors), and what deserves a warning. Messages name
 * the folder or class at fault and say what to do.
 */

/** Largest class over smallest class (training images) above which the report warns. */
export const IMBALANCE_RATIO = 3;

export interface TrainingClassSummary {
  className: string;
  /** The class folder relative to the root (`train/bag`, `bag`). */
  folder: string;
  images: number;
  skipped: number;
  firstSkipReason: string | null;
}

const quoteList = (names: readonly string[]) => {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
};

/** Throws the first rule the training split breaks: no images, empty classes, a single class. */
export function checkTrainingClasses(root: string, classes: readonly TrainingClassSummary[], skippedTotal: number, firstSkip: string | null): void {
  const total = classes.reduce((sum, c) => sum + c.images, 0);
  if (classes.length === 0) {
    throw new StudioError('dataset-invalid', `No images were found in ${root}: it has no class folders.`, {
      hint: 'Put the images in one sub-folder per class (for example cat/ and dog/), or in train/<class>/ with an optional val/<class>/ and test/<class>/.',
      where: root,
    });
  }
  if (total === 0) {
    const why = skippedTotal > 0 ? ` ${skippedTotal} file${skippedTotal === 1 ? ' was' : 's were'} skipped (${firstSkip}).` : '';
    throw new StudioError('dataset-invalid', `No usable images were found in ${root}.${why}`, {
      hint: 'Put PNG, JPEG, WebP, BMP, GIF or TIFF images in the class folders.',
      where: root,
    });
  }
  const empty = classes.filter((c) => c.images === 0);
  if (empty.length > 0) {
    const folders = quoteList(empty.map((c) => c.folder));
    const skipped = empty.filter((c) => c.skipped > 0);
    const why = skipped.length > 0 ? ` (${skipped.map((c) => `${c.folder}: ${c.skipped} file${c.skipped === 1 ? '' : 's'} skipped, ${c.firstSkipReason}`).join('; ')})` : '';
    throw new StudioError(
      'dataset-invalid',
      empty.length === 1 ? `The class folder ${folders} has no usable images${why}.` : `The class folders ${folders} have no usable images${why}.`,
      {
        hint: `Add images to ${empty.length === 1 ? 'it' : 'them'}, or remove ${empty.length === 1 ? 'the folder if it is' : 'the folders that are'} not a class.`,
        where: empty[0]!.folder,
      },
    );
  }
  if (classes.length === 1) {
    throw new StudioError('dataset-invalid', `${root} has only one class, '${classes[0]!.className}'; a classifier needs at least two.`, {
      hint: `Add a sub-folder of images for each other class beside ${classes[0]!.folder}/.`,
      where: root,
    });
  }
}

/** A warning when the largest class has more than IMBALANCE_RATIO times the training images of the smallest. */
export function imbalanceWarning(classes: readonly string[], counts: readonly number[]): DatasetWarning | null {
  if (classes.length < 2) return null;
  let largest = 0;
  let smallest = 0;
  counts.forEach((n, i) => {
    if (n > counts[largest]!) largest = i;
    if (n < counts[smallest]!) smallest = i;
  });
  const max = counts[largest]!;
  const min = counts[smallest]!;
  if (min === 0 || max <= IMBALANCE_RATIO * min) return null;
  return {
    code: 'class-imbalance',
    message:
      `The classes are imbalanced: '${classes[largest]}' has ${max} training images and '${classes[smallest]}' only ${min} (${(max / min).toFixed(1)}x). ` +
      'Accuracy can look good while the small classes are mostly wrong: add images to the small classes, and check the per-class recall.',
  };
}

/** Warnings for classes of train that a split (val/, test/) lacks. */
export function missingClassWarning(split: string, folder: string, missing: readonly string[]): DatasetWarning | null {
  if (missing.length === 0) return null;
  return {
    code: 'class-missing-in-split',
    message: `${folder} has no usable images of ${missing.length === 1 ? 'class' : 'classes'} ${quoteList(missing)}, so the ${split} results say nothing about ${missing.length === 1 ? 'it' : 'them'}. Add images of ${missing.length === 1 ? 'that class' : 'those classes'} to ${folder}.`,
  };
}

/** The validation folder may not have classes that train/ lacks: their images would have no label. */
export function unknownValidationClassesError(folder: string, unknown: readonly string[]): StudioError {
  return new StudioError(
    'dataset-invalid',
    `The validation folder ${folder} has ${unknown.length === 1 ? 'a class folder' : 'class folders'} ${quoteList(unknown)} that train/ does not have.`,
    { hint: 'Rename it to match a class folder in train/, or remove it.', where: folder },
  );
}

/** A test folder's unknown classes are left out (with this warning), since the test set only serves evaluation. */
export function unknownTestClassesWarning(folder: string, unknown: readonly string[]): DatasetWarning {
  return {
    code: 'unknown-class-in-split',
    message: `The test folder ${folder} has ${unknown.length === 1 ? 'a class' : 'classes'} ${quoteList(unknown)} that the training split does not have; ${unknown.length === 1 ? 'its images were' : 'their images were'} left out. Rename ${unknown.length === 1 ? 'the folder' : 'the folders'} to match a training class, or remove ${unknown.length === 1 ? 'it' : 'them'}.`,
  };
}

/** Classes too small to give an image to validation. */
export function fewImagesWarning(classes: readonly string[]): DatasetWarning | null {
  if (classes.length === 0) return null;
  return {
    code: 'few-images',
    message: `${classes.length === 1 ? 'Class' : 'Classes'} ${quoteList(classes)} ${classes.length === 1 ? 'has' : 'have'} a single image, so none could be held out for validation. Add more images.`,
  };
}
