import { execFile } from 'node:child_process';

/** A Python that can run the PyTorch package, and what torch would train on. */
export interface TorchPython {
  /** The command or path it was found as (what the engine runs). */
  command: string;
  /** sys.executable: the interpreter's own path. */
  executable: string;
  pythonVersion: string;
  torchVersion: string;
  /** Where torch trains by default: a CUDA GPU (its name), Apple's MPS, or the CPU. */
  device: { kind: 'cuda' | 'mps' | 'cpu'; name: string | null };
}

/** The outcome of a search: the first Python with torch, and why each other candidate was passed over. */
export interface TorchPythonSearch {
  found: TorchPython | null;
  tried: { candidate: string; reason: string }[];
}

export interface FindTorchPythonOptions {
  /** A Python chosen by the user (preferences, --python): the only one tried. */
  python?: string | null;
  /** Where CNN_STUDIO_PYTHON is read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Candidates to try instead of the default list. */
  candidates?: readonly string[];
  /** How long one candidate may take to import torch (default 60 s; the first import is slow). */
  timeoutMs?: number;
}

/** What a candidate reports about itself; torch, NumPy and Pillow are all the package needs. */
const PROBE = [
  'import json, sys',
  'info = {"python": sys.version.split()[0], "executable": sys.executable}',
  'try:',
  '    import torch',
  'except Exception as e:',
  '    info["error"] = "torch cannot be imported (%s: %s)" % (type(e).__name__, e)',
  'else:',
  '    info["torch"] = torch.__version__.split("+")[0]',
  '    info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None',
  '    mps = getattr(torch.backends, "mps", None)',
  '    info["mps"] = bool(mps is not None and mps.is_available())',
  '    missing = []',
  '    for name in ("numpy", "PIL"):',
  '        try:',
  '            __import__(name)',
  '        except Exception:',
  '            missing.append("Pillow" if name == "PIL" else "NumPy")',
  '    if missing:',
  '        info["error"] = "torch " + info["torch"] + " is there but " + " and ".join(missing) + " is not"',
  'print(json.dumps(info))',
].join('\n');

/** The usual places of a Python 3, after the user's own choice. */
export function defaultPythonCandidates(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') return ['python', 'py', 'python3'];
  return ['python3', 'python', '/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3'];
}

const probes = new Map<string, Promise<TorchPython | { reason: string }>>();

/** Asks one candidate about itself (once per process and candidate). */
function probe(candidate: string, timeoutMs: number): Promise<TorchPython | { reason: string }> {
  let pending = probes.get(candidate);
  if (!pending) {
    pending = new Promise((resolve) => {
      execFile(candidate, ['-c', PROBE], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20 }, (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve({ reason: 'not found' });
        if (error && error.killed) return resolve({ reason: `it did not answer within ${Math.round(timeoutMs / 1000)} s` });
        let info: { python?: string; executable?: string; torch?: string; cuda?: string | null; mps?: boolean; error?: string };
        try {
          info = JSON.parse(stdout.trim().split('\n').pop() ?? '');
        } catch {
          return resolve({ reason: error ? `it failed to start (${error.message.split('\n')[0]})` : 'it is not a Python 3' });
        }
        if (info.error || !info.torch) return resolve({ reason: `Python ${info.python ?? '?'}: ${info.error ?? 'torch is not installed'}` });
        resolve({
          command: candidate,
          executable: info.executable ?? candidate,
          pythonVersion: info.python ?? '?',
          torchVersion: info.torch,
          device: info.cuda ? { kind: 'cuda', name: info.cuda } : info.mps ? { kind: 'mps', name: 'Apple GPU (MPS)' } : { kind: 'cpu', name: null },
        });
      });
    });
    probes.set(candidate, pending);
  }
  return pending;
}

/**
 * Finds a Python 3 with torch, NumPy and Pillow: the user's choice if there is one (only it), else
 * CNN_STUDIO_PYTHON (only it), else the usual commands and places in turn.
 */
export async function findTorchPython(options: FindTorchPythonOptions = {}): Promise<TorchPythonSearch> {
  const fromEnv = (options.env ?? process.env).CNN_STUDIO_PYTHON;
  const candidates = options.python ? [options.python] : fromEnv ? [fromEnv] : (options.candidates ?? defaultPythonCandidates());
  const tried: TorchPythonSearch['tried'] = [];
  for (const candidate of candidates) {
    const result = await probe(candidate, options.timeoutMs ?? 60_000);
    if ('reason' in result) tried.push({ candidate, reason: result.reason });
    else return { found: result, tried };
  }
  return { found: null, tried };
}

/** A sentence for a search that found nothing: each candidate with its reason. */
export function describeSearch(search: TorchPythonSearch): string {
  return search.tried.map((t) => `${t.candidate}: ${t.reason}`).join('; ');
}

/** What a user does when no Python with torch was found. */
export const INSTALL_TORCH_HINT =
  'Install PyTorch for Python 3 ("python3 -m pip install torch numpy pillow", see https://pytorch.org/get-started/locally/), ' +
  'or set CNN_STUDIO_PYTHON to a Python that has it, or choose another backend.';
