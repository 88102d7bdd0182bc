/**
 * What a WebGPU adapter is, in words for people and in facts for the automatic backend choice. Pure:
 * it reads the fields of a `GPUAdapterInfo` (as Dawn's `webgpu` package fills them) and the native
 * graphics API the adapter was asked for.
 */

/** The native API under WebGPU: Dawn is asked for one per platform, so it is known, not guessed. */
export type GraphicsApi = 'Metal' | 'D3D12' | 'Vulkan';

/** The fields of `GPUAdapterInfo` read here (Dawn 0.6 fills all four strings; browsers may leave some empty). */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** `GPUAdapterInfo.isFallbackAdapter` (newer), or the adapter's own deprecated flag. */
  isFallbackAdapter?: boolean | undefined;
}

export interface AdapterDescription {
  api: GraphicsApi;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Why the adapter is a software (CPU-emulated) or fallback one, or null for a hardware GPU. */
  software: string | null;
  /** "google swiftshader: swiftshader-device-subzero- (SwiftShader driver 5.0.0)": the GPU's name as recorded. */
  name: string;
  /** "WebGPU (Vulkan, google swiftshader: …)": the backend line of the run record and `train`'s output. */
  label: string;
}

/** Names of the software Vulkan / D3D / Metal implementations that emulate a GPU on the CPU. */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp\b|software/i;

/** Why an adapter is a software or fallback one (a sentence fragment), or null for hardware. */
export function softwareAdapterReason(facts: AdapterFacts): string | null {
  if (facts.isFallbackAdapter) return 'it is a fallback adapter';
  const named = [facts.vendor, facts.architecture, facts.device, facts.description].find((text) => SOFTWARE_NAMES.test(text));
  if (named) return `it is a software renderer (${SOFTWARE_NAMES.exec(named)![0]}) that runs on the CPU`;
  return null;
}

/** The native API Dawn is asked for on a platform, in order of preference. */
export function graphicsApisFor(platform: string): GraphicsApi[] {
  if (platform === 'darwin') return ['Metal'];
  // D3D12 first, as Chrome does; Vulkan where a Windows driver has no usable D3D12.
  if (platform === 'win32') return ['D3D12', 'Vulkan'];
  return ['Vulkan'];
}

/** Describes an adapter found through `api`. */
export function describeAdapter(facts: AdapterFacts, api: GraphicsApi): AdapterDescription {
  const clean = (text: string) => text.trim();
  const vendor = clean(facts.vendor);
  const architecture = clean(facts.architecture);
  const device = clean(facts.device);
  const description = clean(facts.description);
  const maker = [vendor, architecture].filter(Boolean).join(' ');
  const model = device && description ? `${device} (${description})` : device || description;
  const name = [maker, model].filter(Boolean).join(': ') || 'an unnamed adapter';
  const software = softwareAdapterReason(facts);
  return { api, vendor, architecture, device, description, software, name, label: `WebGPU (${api}, ${name}${software ? ', software' : ''})` };
}
