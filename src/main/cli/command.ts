import { parseArgs } from 'node:util';
import { StudioError } from '../../shared/errors';

/** Where a command writes: stdout for results, stderr for progress and errors. Tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Resolves relative paths (the process's working directory). */
  cwd: string;
  /** Set by Ctrl-C: long commands stop cleanly when it fires. */
  signal?: AbortSignal;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help: `NAME` for the value, then the description. */
  value?: string;
  description: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** One `cnn-studio` sub-command. */
export interface CliCommand {
  name: string;
  /** One line for `cnn-studio --help`. */
  summary: string;
  /** The synopsis, `cnn-studio inspect (FILE | --template NAME) [--json]`. */
  usage: string;
  /** A paragraph for `--help`: what it does, exit codes, JSON shape. */
  description: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number; name: string };
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, unusable: 1, graphErrors: 2, interrupted: 130 } as const;

/** Parses argv for a command; a bad option is a StudioError that says how to get help. */
export function parseCommandArgs(command: CliCommand, argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries({ ...command.options, help: { type: 'boolean', short: 'h', description: '' } as OptionSpec }).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error);
    throw new StudioError('invalid-argument', `${message.replace(/\.$/, '')}.`, { hint: `Run "cnn-studio ${command.name} --help" for the options.` });
  }
  const values = parsed.values as ParsedArgs['values'];
  if (values.help) return { values, positionals: parsed.positionals };
  const { min, max, name } = command.positionals;
  if (parsed.positionals.length < min) {
    throw new StudioError('invalid-argument', `cnn-studio ${command.name} needs ${name}.`, { hint: `Usage: ${command.usage}` });
  }
  if (parsed.positionals.length > max) {
    throw new StudioError('invalid-argument', `cnn-studio ${command.name} takes ${max === 0 ? 'no' : `at most ${max}`} positional argument${max === 1 ? '' : 's'}, but got: ${parsed.positionals.join(' ')}.`, {
      hint: `Usage: ${command.usage}`,
    });
  }
  return { values, positionals: parsed.positionals };
}

/** The text of `cnn-studio COMMAND --help`. */
export function formatCommandHelp(command: CliCommand): string {
  const rows = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${o.description}`;
  });
  rows.push(`  ${'-h, --help'.padEnd(30)} Show this help.`);
  return `Usage: ${command.usage}\n\n${command.description}\n\nOptions:\n${rows.join('\n')}\n`;
}

/** A string option, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A whole-number option within bounds; a bad value is a sentence naming the option. */
export function intOption(args: ParsedArgs, name: string, bounds: { min: number; max: number }): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || value < bounds.min || value > bounds.max) {
    throw new StudioError('invalid-argument', `--${name} is "${text}", but it must be a whole number from ${bounds.min} to ${bounds.max}.`, { where: `--${name}` });
  }
  return value;
}

/** A number option within bounds. */
export function numberOption(args: ParsedArgs, name: string, bounds: { min: number; max: number; exclusiveMin?: boolean }): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  const tooLow = bounds.exclusiveMin ? value <= bounds.min : value < bounds.min;
  if (text.trim() === '' || !Number.isFinite(value) || tooLow || value > bounds.max) {
    throw new StudioError('invalid-argument', `--${name} is "${text}", but it must be a number ${bounds.exclusiveMin ? 'above' : 'from'} ${bounds.min} ${bounds.exclusiveMin ? 'and up' : ''} to ${bounds.max}.`.replace('  ', ' '), {
      where: `--${name}`,
    });
  }
  return value;
}

/** An option restricted to a list of words. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new StudioError('invalid-argument', `--${name} is "${text}", but it must be one of ${choices.join(', ')}.`, { where: `--${name}` });
  }
  return text as T;
}

/** Writes one JSON value and a newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** 61706 → "61,706". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Pads columns of a text table. */
export function formatTable(header: string[], rows: string[][], alignRight: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (alignRight.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
