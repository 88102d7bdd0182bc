import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPythonCandidates, describeSearch, findTorchPython } from '../../../../src/main/services/pytorch-engine';
import { removeDir, tempDir } from '../../../support/training-fixtures';

// Fake interpreters: shell scripts that answer the probe as a Python would (Linux and macOS only).
let root: string;

async function fakePython(name: string, answer: Record<string, unknown>): Promise<string> {
  const path = join(root, name);
  await writeFile(path, `#!/bin/sh\necho '${JSON.stringify(answer)}'\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  root = await tempDir('python-finder');
});

afterAll(async () => {
  await removeDir(root);
});

describe('findTorchPython', () => {
  it('takes_the_first_candidate_with_torch_and_says_why_the_others_were_passed_over', async () => {
    const missing = join(root, 'missing-python');
    const bare = await fakePython('bare-python', { python: '3.12.1', executable: '/opt/bare/python', error: 'torch cannot be imported (ModuleNotFoundError: No module named torch)' });
    const gpu = await fakePython('gpu-python', { python: '3.11.4', executable: '/opt/ml/bin/python3', torch: '2.3.1', cuda: 'NVIDIA A100', mps: false });
    const search = await findTorchPython({ candidates: [missing, bare, gpu], env: {} });
    expect(search.found).toEqual({ command: gpu, executable: '/opt/ml/bin/python3', pythonVersion: '3.11.4', torchVersion: '2.3.1', device: { kind: 'cuda', name: 'NVIDIA A100' } });
    expect(search.tried).toEqual([
      { candidate: missing, reason: 'not found' },
      { candidate: bare, reason: 'Python 3.12.1: torch cannot be imported (ModuleNotFoundError: No module named torch)' },
    ]);
  });

  it('a_chosen_python_is_the_only_one_tried', async () => {
    const mac = await fakePython('mac-python', { python: '3.12.0', executable: '/usr/local/bin/python3', torch: '2.4.0', cuda: null, mps: true });
    const chosen = await findTorchPython({ python: join(root, 'nowhere'), candidates: [mac], env: { CNN_STUDIO_PYTHON: mac } });
    expect(chosen.found).toBeNull();
    expect(describeSearch(chosen)).toBe(`${join(root, 'nowhere')}: not found`);
    const fromEnv = await findTorchPython({ candidates: [], env: { CNN_STUDIO_PYTHON: mac } });
    expect(fromEnv.found?.device).toEqual({ kind: 'mps', name: 'Apple GPU (MPS)' });
  });

  it('something_that_is_not_python_is_named_as_such', async () => {
    const shell = join(root, 'not-python');
    await writeFile(shell, '#!/bin/sh\necho hello\n');
    await chmod(shell, 0o755);
    const search = await findTorchPython({ candidates: [shell], env: {} });
    expect(search.tried).toEqual([{ candidate: shell, reason: 'it is not a Python 3' }]);
  });

  it('searches_the_usual_places', () => {
    expect(defaultPythonCandidates('linux')).toEqual(['python3', 'python', '/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3']);
    expect(defaultPythonCandidates('win32')[0]).toBe('python');
  });
});
