import { resolve } from 'node:path';
import type { BrowserModeOptions } from '../../server/browser-mode';
import { startBrowserMode } from '../../server/browser-mode';
import { isLoopback } from '../../server/request-guard';
import type { StudioServer } from '../../server/studio-server';
import { isPortInUse } from '../../server/studio-server';
import { readProjectFile } from '../../services/project/project-files';
import type { CliCommand } from '../command';
import { EXIT, intOption, stringOption } from '../command';

/** The port tried first when none is given; the next few are tried when it is taken, as Jupyter does. */
export const DEFAULT_PORT = 8765;
const PORT_RETRIES = 10;

/** Starts on the given port, or from the default port on, then any free port. */
async function startOnFreePort(port: number | undefined, options: Omit<BrowserModeOptions, 'port'>): Promise<StudioServer> {
  if (port !== undefined) return startBrowserMode({ ...options, port });
  for (let candidate = DEFAULT_PORT; candidate < DEFAULT_PORT + PORT_RETRIES; candidate++) {
    try {
      return await startBrowserMode({ ...options, port: candidate });
    } catch (error) {
      if (!isPortInUse(error)) throw error;
    }
  }
  return startBrowserMode({ ...options, port: 0 });
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the studio in a web browser (browser mode).',
  usage: 'cnn-studio serve [--port N] [--host ADDRESS] [--open-project FILE] [--json]',
  description:
    'Serves the studio window and its services on http://127.0.0.1:PORT, guarded by a random token: open the URL it prints,\n' +
    'token included. Requests without the token are refused (401), with a wrong one too (403). Only this machine can\n' +
    'connect unless --host names another address. Ctrl-C stops it.\n' +
    'JSON: one line {"url", "port", "host", "token"} once it listens.',
  options: {
    port: { type: 'string', short: 'p', value: 'N', description: `The port (default ${DEFAULT_PORT}, or the next free one; 0 picks any free one).` },
    host: { type: 'string', value: 'ADDRESS', description: 'The address to listen on (default 127.0.0.1, this machine only).' },
    'open-project': { type: 'string', value: 'FILE', description: 'A project file the window opens at start.' },
    json: { type: 'boolean', description: 'Print the URL, port, host and token as one line of JSON.' },
  },
  positionals: { min: 0, max: 0, name: '' },
  async run(args, io) {
    const port = intOption(args, 'port', { min: 0, max: 65535 });
    const host = stringOption(args, 'host') ?? '127.0.0.1';
    const projectArg = stringOption(args, 'open-project');
    const openProject = projectArg ? resolve(io.cwd, projectArg) : null;
    // A typo in the file name is better said now than as a message in the page.
    if (openProject) await readProjectFile(openProject);
    const server = await startOnFreePort(port, { host, openProject, cwd: io.cwd, log: (line) => io.stderr.write(`${line}\n`) });
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, host: server.host, token: server.token })}\n`);
    } else {
      io.stdout.write(`CNN Studio is running. Open this URL in a browser (it holds the access token):\n\n    ${server.url}\n\nPress Ctrl-C to stop.\n`);
    }
    if (!isLoopback(host)) {
      io.stderr.write(`Warning: listening on ${host} lets other machines reach the studio; anyone with the token can read and write your files.\n`);
    }
    await new Promise<void>((done) => {
      if (!io.signal) return; // Without a signal the server runs until the process ends.
      if (io.signal.aborted) done();
      else io.signal.addEventListener('abort', () => done(), { once: true });
    });
    await server.close();
    if (!args.values.json) io.stderr.write('Stopped.\n');
    return EXIT.ok;
  },
};
