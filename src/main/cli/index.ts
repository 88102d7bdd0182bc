import { runCli } from './cli';

/** The `cnn-studio` executable: plain Node, no Electron. */
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  // First Ctrl-C: stop cleanly (long commands keep what they made). Second: leave now.
  if (interrupts > 1) process.exit(130);
  controller.abort();
});

// The reader of our output went away (`cnn-studio train --json | head -1`): stop as Ctrl-C would,
// keeping what was made, instead of dying on the next write with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
    controller.abort();
    return;
  }
  throw error;
});

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal });
process.exitCode = code;
