import type { EngineChannel, EngineLauncher } from '../../../src/main/services/training/engine-channel';
import { forkEngine } from '../../../src/main/services/training/engine-channel';

/** A launcher that forks real engines and keeps their channels, so a test can kill one at the moment it picks. */
export function recordingLauncher(): { launch: EngineLauncher; channels: EngineChannel[] } {
  const channels: EngineChannel[] = [];
  return {
    channels,
    launch: () => {
      const channel = forkEngine();
      channels.push(channel);
      return channel;
    },
  };
}

/** Peak resident memory (VmHWM) of a live process in MB, from /proc; null where there is no /proc. */
export async function peakRssMb(pid: number): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}
