import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The WebGPU tests run on a software adapter where no GPU is present: Chromium's SwiftShader Vulkan
 * driver (Debian's `chromium` package ships it) through the Vulkan loader (`libvulkan1`). Dawn reads
 * the variables when it starts, so `prepareWebGpuEnvironment` runs before anything loads `webgpu`.
 */

/** Chromium's SwiftShader Vulkan driver manifest, as Debian installs it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Set to 1 (as .ci/run does) where a missing adapter must fail the WebGPU tests instead of skipping them. */
export const REQUIRE_WEBGPU = process.env.CNN_STUDIO_REQUIRE_WEBGPU === '1';

/**
 * Points the Vulkan loader at SwiftShader when nothing else is chosen and the file exists, and gives
 * the loader an `XDG_RUNTIME_DIR` (it complains without one). Variables already set are kept.
 */
export function prepareWebGpuEnvironment(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'cnn-xdg-'));
}

export interface WebGpuProbe {
  /** The adapter Dawn found ("google swiftshader"), or null. */
  adapter: string | null;
  /** Why there is none, for the skip message. */
  reason: string | null;
}

/** Prepares the environment and asks Dawn directly (without TF.js) whether any adapter is there. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  prepareWebGpuEnvironment();
  try {
    const { create } = await import('webgpu');
    const adapter = await create([]).requestAdapter();
    if (adapter) return { adapter: `${adapter.info.vendor} ${adapter.info.architecture}`.trim(), reason: null };
    const icd = process.env.VK_ICD_FILENAMES ? `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}` : `no VK_ICD_FILENAMES and no ${SWIFTSHADER_ICD}`;
    return { adapter: null, reason: `Dawn found no WebGPU adapter (${icd}; install libvulkan1 and chromium for the SwiftShader adapter)` };
  } catch (error) {
    return { adapter: null, reason: `the webgpu package did not load (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}

/**
 * Whether a WebGPU test file skips: only where no adapter is found and CNN_STUDIO_REQUIRE_WEBGPU is
 * not 1; the reason is printed. With the variable set the tests run and fail on the missing adapter.
 */
export function skipWithoutWebGpu(probe: WebGpuProbe, file: string): boolean {
  if (probe.adapter || REQUIRE_WEBGPU) return false;
  console.warn(`[${file}] WebGPU tests skipped: ${probe.reason}. Set CNN_STUDIO_REQUIRE_WEBGPU=1 to make this a failure.`);
  return true;
}
