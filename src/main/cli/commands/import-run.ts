import { StudioError } from '../../../shared/errors';
import { importRun } from '../../services/runs/import-run';
import type { CliCommand } from '../command';
import { EXIT, printJson, stringOption } from '../command';

export const importRunCommand: CliCommand = {
  name: 'import-run',
  summary: 'Bring a run trained elsewhere (a PyTorch package on a cluster) into the studio.',
  usage: 'cnn-studio import-run DIR [--project FILE | --out RUNDIR | --in-place] [--data IMAGES] [--json]',
  description:
    'DIR is the run folder train.py wrote (--out). Its run.json, project, labels, preprocessing, weights and metrics\n' +
    'are checked, then the run is copied into the project\'s runs folder (<project>.runs/, beside the project file), so\n' +
    'it shows in the run history beside local runs: the project given with --project, else the one the run was\n' +
    'exported from when that file is on this machine. --out copies it elsewhere; --in-place (or no project) adopts\n' +
    'DIR where it is. A job that had not finished is recorded as stopped at its last checkpoint. Afterwards\n' +
    '"cnn-studio evaluate", "predict" and "export" work on it as on a local run; --data records where its images are here.\n' +
    'JSON: {"runDir", "inPlace", "projectPath", "status", "epochs", "bestEpoch", "backend", "weightsFrom", "events", "warnings"}.',
  options: {
    project: { type: 'string', value: 'FILE', description: 'The project whose runs folder receives the run.' },
    out: { type: 'string', short: 'o', value: 'RUNDIR', description: 'Copy the run into this new folder instead.' },
    'in-place': { type: 'boolean', description: 'Adopt DIR where it is (its run.json is rewritten).' },
    data: { type: 'string', value: 'IMAGES', description: 'The image folder on this machine, when the recorded one is not.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 1, max: 1, name: 'a run folder' },
  async run(args, io) {
    const out = stringOption(args, 'out');
    const project = stringOption(args, 'project');
    const inPlace = args.values['in-place'] === true;
    if ([out, project, inPlace || undefined].filter((v) => v !== undefined).length > 1) {
      throw new StudioError('invalid-argument', '--project, --out and --in-place each say where the run goes; give one of them.', { hint: `Usage: ${importRunCommand.usage}` });
    }
    const data = stringOption(args, 'data');
    const result = await importRun(args.positionals[0]!, {
      cwd: io.cwd,
      ...(out ? { out } : {}),
      ...(project ? { projectPath: project } : {}),
      ...(inPlace ? { inPlace } : {}),
      ...(data ? { dataPath: data } : {}),
    });
    const r = result.record;
    if (args.values.json) {
      printJson(io, {
        runDir: result.runDir,
        inPlace: result.inPlace,
        projectPath: result.projectPath,
        status: r.status,
        epochs: r.epochsCompleted,
        bestEpoch: r.bestEpoch,
        backend: r.backend.label,
        weightsFrom: result.weightsFrom,
        events: result.events,
        warnings: result.warnings,
      });
      return EXIT.ok;
    }
    for (const warning of result.warnings) io.stderr.write(`Warning: ${warning}\n`);
    const where = result.inPlace ? `in place at ${result.runDir}` : `into ${result.runDir}`;
    io.stdout.write(
      `Imported the run of "${r.projectName}" ${where}: ${r.status}, ${r.epochsCompleted} of ${r.epochsPlanned} epoch(s)` +
        `${r.bestEpoch ? `, best epoch ${r.bestEpoch}` : ''}, trained on ${r.backend.label}; weights: ${result.weightsFrom}.\n` +
        `Evaluate it with: cnn-studio evaluate ${result.runDir} --data IMAGES\n`,
    );
    return EXIT.ok;
  },
};
