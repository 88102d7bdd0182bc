/**
 * The part of the global WebAssembly API the studio's kernels use, typed here: the main process's
 * TypeScript configuration has no DOM library, where those types live.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface WasmModuleDescriptor {
  module?: string;
  name: string;
  kind: string;
}

export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): WasmModuleDescriptor[];
    exports(module: WasmModule): WasmModuleDescriptor[];
  };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
