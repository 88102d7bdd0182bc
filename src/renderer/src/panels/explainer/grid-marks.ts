import type { PadSides } from '../../../../shared/insight/convolution';

/** How a cell of a number grid is marked. */
export type CellMark = 'window' | 'pad' | 'target' | 'argmax' | 'selected' | 'dropped' | 'overlap';

/** Marks by `row:col`. */
export type Marks = Record<string, CellMark[]>;

/** Adds a mark to a cell (in place) and returns the marks. */
export function mark(marks: Marks, row: number, col: number, what: CellMark): Marks {
  const key = `${row}:${col}`;
  const list = marks[key] ?? (marks[key] = []);
  if (!list.includes(what)) list.push(what);
  return marks;
}

/** The padding cells of a padded grid: everything outside the `height` x `width` input at (`pad.top`, `pad.left`). */
export function paddingMarks(height: number, width: number, pad: PadSides): Marks {
  const marks: Marks = {};
  const rows = pad.top + height + pad.bottom;
  const cols = pad.left + width + pad.right;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (r < pad.top || r >= pad.top + height || c < pad.left || c >= pad.left + width) mark(marks, r, c, 'pad');
    }
  }
  return marks;
}

/** Marks the cells a window covers, from its top-left corner, with its taps `dilation` apart. */
export function windowMarks(marks: Marks, top: number, left: number, size: number, dilation = 1): Marks {
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) mark(marks, top + a * dilation, left + b * dilation, 'window');
  return marks;
}

/** The cells past the last window (rows and columns the stride never reaches) in a padded grid. */
export function droppedMarks(marks: Marks, rows: number, cols: number, droppedRows: number, droppedCols: number): Marks {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (r >= rows - droppedRows || c >= cols - droppedCols) mark(marks, r, c, 'dropped');
  return marks;
}
