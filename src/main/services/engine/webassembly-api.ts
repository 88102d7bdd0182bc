/**
 * The part of the global WebAssembly API the engine uses (the studio's kernels, the threaded build),
 * typed here: the main process's TypeScript configuration has no DOM library, where those types live.
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

export type WasmImports = Record<string, Record<string, unknown>>;

export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: WasmImports): Promise<{ instance: object; module: object }>;
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): WasmModuleDescriptor[];
    exports(module: WasmModule): WasmModuleDescriptor[];
  };
  Instance: new (module: WasmModule, imports: WasmImports) => { exports: Record<string, unknown> };
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
