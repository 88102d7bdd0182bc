import { StudioError } from '../../../shared/errors';
import type { SkipCode } from '../../../shared/dataset/dataset-report';
import type { ImageFormat } from './image-format';
import { checkFileEnd, formatName } from './image-format';

const HINTS: Record<SkipCode, string> = {
  'not-an-image': 'Remove the file from the dataset folder, or replace it with the image it should be.',
  'unsupported-format': 'Convert it to PNG or JPEG, or remove it.',
  empty: 'Replace it with the image it should be, or remove it.',
  truncated: 'Copy or download the file again, or remove it.',
  corrupt: 'Open and re-save it in an image editor, or remove it.',
  'too-many-pixels': 'Make a smaller copy of the image, or remove it.',
  'too-large-file': 'Make a smaller copy of the image, or remove it.',
  unreadable: 'Check the file\'s permissions, or remove it.',
  'not-a-file': 'Remove it from the dataset folder.',
  'symlink-loop': 'Remove the link, or point it at a folder outside the dataset.',
  'broken-link': 'Remove the link, or restore the file it points to.',
  'bad-name': 'Rename it with plain UTF-8 text.',
};

/**
 * A file that cannot be used as an image. In a dataset it is skipped and listed with `code` and
 * `reason`; for a single file (predict, thumbnail) it reaches the user as the StudioError it is.
 */
export class ImageProblem extends StudioError {
  /** Why, as a stable name. */
  readonly problem: SkipCode;
  /** Why, as a clause for people: "the PNG data ends early (the file is truncated)". */
  readonly reason: string;

  constructor(path: string, problem: SkipCode, reason: string, cause?: unknown) {
    super('file-unreadable', `${path} cannot be used as an image: ${reason}.`, { hint: HINTS[problem], where: path, cause });
    this.problem = problem;
    this.reason = reason;
  }
}

/** True for an ImageProblem. */
export function isImageProblem(error: unknown): error is ImageProblem {
  return error instanceof ImageProblem;
}

/** The problem a failed file-system call means (stat, open, read). */
export function problemFromFileError(path: string, error: unknown): ImageProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new ImageProblem(path, 'unreadable', 'it cannot be read (permission denied)', error);
    case 'ELOOP':
      return new ImageProblem(path, 'symlink-loop', 'it is a symbolic link that leads back to itself (a loop)', error);
    case 'ENOENT':
      return new ImageProblem(path, 'broken-link', 'it no longer exists, or is a symbolic link to a missing file', error);
    case 'ENAMETOOLONG':
      return new ImageProblem(path, 'unreadable', 'its path is longer than the system allows', error);
    case 'EISDIR':
      return new ImageProblem(path, 'not-a-file', 'it is a folder', error);
    default:
      return new ImageProblem(path, 'unreadable', `it cannot be read (${code ?? describeCause(error)})`, error);
  }
}

/**
 * The problem a decoder error means; libvips's messages become clauses people can act on. libvips
 * keeps one error buffer for all threads, so under concurrency a message can come back as "Unknown
 * error": with the file's bytes at hand, a missing end marker still tells a truncated file.
 */
export function problemFromDecodeError(path: string, format: ImageFormat, error: unknown, bytes?: Uint8Array): ImageProblem {
  if (error instanceof ImageProblem) return error;
  const message = describeCause(error);
  const name = formatName(format);
  if (/unsupported image format/i.test(message)) return new ImageProblem(path, 'not-an-image', 'the decoder does not recognise its data as an image', error);
  if (/pixel limit/i.test(message)) return new ImageProblem(path, 'too-many-pixels', 'it has more pixels than the decoder\'s limit', error);
  const endMissing = bytes !== undefined && checkFileEnd(format, bytes.subarray(0, 64), bytes.subarray(Math.max(0, bytes.length - 64)), bytes.length) !== 'ok';
  if (endMissing || /premature end|end of stream|truncated|unexpected end|not enough (image )?data|read error|out of data|short read/i.test(message)) {
    return new ImageProblem(path, 'truncated', `the ${name} data ends early (the file is truncated)`, error);
  }
  return new ImageProblem(path, 'corrupt', `the ${name} data is damaged (${firstLine(message)})`, error);
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** libvips messages can run to several lines of internal detail; the first says what happened. */
function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim() !== '') ?? message;
  return line.trim().replace(/^Vips\w*:\s*/, '').replace(/\.$/, '').slice(0, 300);
}
