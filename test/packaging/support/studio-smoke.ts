import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Launcher } from './process-runner';
import { describeRun, runProcess } from './process-runner';

/**
 * The end-to-end run of an installed studio, shared by the npm-package and packaged-app tests: the
 * same commands a user types, each checked for what it must produce. Steps run in order in one work
 * folder (train writes the run that export reads).
 */
export interface InstalledStudio {
  /** Runs `cnn-studio`. */
  cli: Launcher;
  /** Runs a plain JavaScript file with the installation's runtime (Node, or Electron as Node). */
  script: Launcher;
  /** A file of the installation from which `require` finds its dependencies (its package.json). */
  requireFrom: string;
  /** The sample project and the dataset it names, as the installation ships them. */
  sampleProject: string;
  sampleDataset: string;
  /** A folder the steps write in. */
  workDir: string;
}

async function cli(studio: InstalledStudio, args: string[], timeoutMs = 300_000) {
  const result = await runProcess(studio.cli, args, { cwd: studio.workDir, timeoutMs });
  expect(result.code, describeRun(args, result)).toBe(0);
  return result;
}

/** `templates`: the built-in architectures are listed. */
export async function checkTemplates(studio: InstalledStudio): Promise<void> {
  const { stdout } = await cli(studio, ['templates']);
  expect(stdout).toMatch(/^lenet5\s+LeNet-5\s/m);
}

/** `inspect --json` on the shipped sample project: its layers and parameter count, without errors. */
export async function checkInspect(studio: InstalledStudio): Promise<{ inputShape: number[] }> {
  const { stdout } = await cli(studio, ['inspect', studio.sampleProject, '--json']);
  const report = JSON.parse(stdout) as { layers: { kind: string; outputShape: number[]; params: number }[]; errors?: unknown[] };
  expect(report.layers.length).toBeGreaterThan(2);
  expect(report.layers[0]!.kind).toBe('Input');
  expect(report.layers.reduce((sum, l) => sum + l.params, 0)).toBeGreaterThan(0);
  expect(report.errors ?? []).toEqual([]);
  return { inputShape: report.layers[0]!.outputShape };
}

/** `train` for one epoch on the WebAssembly backend, on the dataset the sample project names (shipped with it). */
export async function checkTrain(studio: InstalledStudio): Promise<string> {
  const runDir = join(studio.workDir, 'run');
  const { stdout } = await cli(studio, ['train', studio.sampleProject, '--epochs', '1', '--backend', 'wasm', '--out', runDir, '--json']);
  const events = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; status?: string; loss?: number; backend?: { name?: string } });
  const epochs = events.filter((e) => e.type === 'epoch');
  expect(epochs).toHaveLength(1);
  expect(Number.isFinite(epochs[0]!.loss)).toBe(true);
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' });
  const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { backend?: { name?: string }; datasetPath?: string };
  expect(run.backend?.name).toBe('wasm');
  // Real paths: a temporary folder may be reached through a link (macOS's /var).
  expect(realpathSync(run.datasetPath ?? '')).toBe(realpathSync(studio.sampleDataset));
  return runDir;
}

/** `export --format onnx` of the trained run, then the model run by the installation's own onnxruntime-node. */
export async function checkOnnxExport(studio: InstalledStudio, runDir: string): Promise<void> {
  const model = join(studio.workDir, 'model.onnx');
  const { stdout } = await cli(studio, ['export', runDir, '--format', 'onnx', '--out', model, '--json']);
  expect(JSON.parse(stdout)).toMatchObject({ file: model, format: 'onnx' });
  const classes = (JSON.parse(await readFile(join(runDir, 'labels.json'), 'utf8')) as string[]).length;
  const script = join(studio.workDir, 'run-onnx.cjs');
  await writeFile(
    script,
    [
      "const { createRequire } = require('node:module');",
      "const ort = createRequire(process.argv[2])('onnxruntime-node');",
      '(async () => {',
      '  const session = await ort.InferenceSession.create(process.argv[3]);',
      "  const shape = session.inputMetadata[0].shape.map((d) => (typeof d === 'number' ? d : 1));",
      '  const input = new ort.Tensor("float32", new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);',
      '  const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];',
      '  process.stdout.write(JSON.stringify({ dims: output.dims, data: Array.from(output.data) }));',
      '})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });',
    ].join('\n'),
  );
  const args = [script, studio.requireFrom, model];
  const result = await runProcess(studio.script, args, { cwd: studio.workDir, timeoutMs: 120_000 });
  expect(result.code, describeRun(args, result)).toBe(0);
  const output = JSON.parse(result.stdout) as { dims: number[]; data: number[] };
  expect(output.dims).toEqual([1, classes]);
  // The export ends in a softmax unless --logits: one probability per class.
  expect(output.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
}

/** `serve --port 0 --json`: the page with the printed token, 401 without it, a clean stop on Ctrl-C. */
export async function checkServe(studio: InstalledStudio): Promise<void> {
  const child = spawn(studio.cli.command, [...studio.cli.args, 'serve', '--port', '0', '--json'], { cwd: studio.workDir, env: studio.cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  try {
    const line = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`serve printed nothing in 60 s.\n${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          done(stdout.split('\n')[0]!);
        }
      });
      child.on('close', (code) => fail(new Error(`serve exited (${code}) before listening.\n${stderr}`)));
    });
    const info = JSON.parse(line) as { url: string; port: number; token: string };
    expect(info.url).toContain(`token=${info.token}`);
    const page = await fetch(info.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    expect((await fetch(`http://127.0.0.1:${info.port}/`)).status).toBe(401);
  } finally {
    // Ctrl-C: the first one stops the server cleanly (Windows has no SIGINT for a child: it is ended).
    child.kill(process.platform === 'win32' ? 'SIGKILL' : 'SIGINT');
  }
  const code = await exited;
  if (process.platform !== 'win32') expect(code, stderr).toBe(0);
}
