import type { z } from 'zod';

/**
 * zod's default messages ("Invalid input: expected number, received null") read like a parser's;
 * this rewrites them as the end of a sentence that starts with the path ("filters must be a number,
 * not null"). Messages the schemas set themselves are kept.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const own = !/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message);
  if (own) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const received = (/received (\w+)/.exec(issue.message)?.[1] ?? 'something else').replace('undefined', 'missing');
      return received === 'missing' ? `is missing (it must be ${article(issue.expected)})` : `must be ${article(issue.expected)}, not ${received}`;
    }
    case 'too_small': {
      const what = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${what}`;
    }
    case 'too_big': {
      const what = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${what}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'unrecognized_keys':
      return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'has a value of the wrong type';
    default:
      return issue.message.replace(/^Invalid input:?\s*/, 'is invalid: ').replace(/: $/, '');
  }
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'an object';
  if (type === 'int') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
