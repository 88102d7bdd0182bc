import { describeError, isStudioError } from '../../shared/errors';
import type { CliCommand, CliIo } from './command';
import { studioVersion } from '../services/resources/studio-version';
import { EXIT, formatCommandHelp, parseCommandArgs } from './command';
import { activationsCommand } from './commands/activations';
import { baselineCommand } from './commands/baseline';
import { evaluateCommand } from './commands/evaluate';
import { exportCommand } from './commands/export';
import { filtersCommand } from './commands/filters';
import { hogCommand } from './commands/hog';
import { importCommand } from './commands/import';
import { importRunCommand } from './commands/import-run';
import { inspectCommand } from './commands/inspect';
import { newCommand } from './commands/new';
import { predictCommand } from './commands/predict';
import { saliencyCommand } from './commands/saliency';
import { serveCommand } from './commands/serve';
import { templatesCommand } from './commands/templates';
import { trainCommand } from './commands/train';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [templatesCommand, newCommand, inspectCommand, trainCommand, evaluateCommand, predictCommand, filtersCommand, activationsCommand, saliencyCommand, hogCommand, baselineCommand, exportCommand, importCommand, importRunCommand, serveCommand];


function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return (
    'cnn-studio: build, train, inspect and export convolutional neural networks.\n\n' +
    'Usage: cnn-studio COMMAND [options]\n\nCommands:\n' +
    COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n') +
    '\n\nRun "cnn-studio COMMAND --help" for a command\'s options.\n'
  );
}

/**
 * Runs one CLI invocation and returns its exit code. Bad input becomes a sentence on stderr (exit 1);
 * an unexpected defect prints its stack only with CNN_STUDIO_DEBUG=1.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name ? EXIT.ok : EXIT.unusable;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${studioVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`Error: "${name}" is not a cnn-studio command. Run "cnn-studio --help" for the list.\n`);
    return EXIT.unusable;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout.write(formatCommandHelp(command));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    reportError(error, io, args(rest));
    return EXIT.unusable;
  }
}

function args(rest: string[]): { json: boolean } {
  return { json: rest.includes('--json') };
}

/** Errors go to stderr as a sentence; with --json also as `{"type":"error",...}` on stdout for machines. */
export function reportError(error: unknown, io: CliIo, options: { json: boolean }): void {
  const text = describeError(error);
  io.stderr.write(`Error: ${text}\n`);
  if (!isStudioError(error) && process.env.CNN_STUDIO_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  if (options.json) {
    const data = isStudioError(error) ? error.toJSON() : { code: 'internal', message: text };
    io.stdout.write(`${JSON.stringify({ type: 'error', ...data })}\n`);
  }
}
