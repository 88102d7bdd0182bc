/**
 * Where a JSON text first goes wrong, as "line L, column C", found by a small scanner because
 * engines differ in whether JSON.parse's message carries a position. Iterative, so deeply nested
 * input cannot overflow the stack.
 */
export function locateJsonError(text: string): string {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  // What may come next: a value, a key, a colon, or a comma/closing bracket.
  let expect = 'value' as 'value' | 'key' | 'colon' | 'next' | 'end';
  const at = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const afterValue = (): typeof expect => (stack.length ? 'next' : 'end');
  for (;;) {
    skipSpace();
    if (i >= text.length) return expect === 'end' ? 'unknown place' : `${at(i)}: the text ends too early`;
    const c = text[i]!;
    if (expect === 'end') return `${at(i)}: unexpected text after the end`;
    if (expect === 'colon') {
      if (c !== ':') return at(i);
      i++;
      expect = 'value';
      continue;
    }
    if (expect === 'next') {
      const top = stack[stack.length - 1];
      if (c === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
        continue;
      }
      if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop();
        i++;
        expect = afterValue();
        continue;
      }
      return at(i);
    }
    if (expect === 'key') {
      if (c === '}' && text[i - 1] !== ',' && stack[stack.length - 1] === '{') {
        stack.pop();
        i++;
        expect = afterValue();
        continue;
      }
      if (c !== '"') return at(i);
      const end = scanString(text, i);
      if (end < 0) return at(i);
      i = end;
      expect = 'colon';
      continue;
    }
    // A value.
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skipSpace();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        expect = afterValue();
      } else expect = c === '{' ? 'key' : 'value';
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i);
      if (end < 0) return at(i);
      i = end;
      expect = afterValue();
      continue;
    }
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) return at(i);
    i += literal[0].length;
    expect = afterValue();
  }
}

/** Index after the closing quote of the string starting at `start`, or -1. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return i + 1;
    if (c === '\\') i += 2;
    else if (c < ' ') return -1;
    else i++;
  }
  return -1;
}
