import type { SimdKernelChoice } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { relaxedSimdSupported } from '../../../../../src/main/services/engine/simd-kernels/simd-module';

/**
 * The wasm kernel sets every wasm-kernel test runs under: the studio's SIMD kernels with fused
 * multiply-adds where this engine has relaxed SIMD (Node 20 and Electron both do), the same without,
 * and TF.js's XNNPACK paths (what runs where the studio's kernels step aside).
 */
export const WASM_KERNEL_CHOICES: SimdKernelChoice[] = [...(relaxedSimdSupported() ? (['fma'] as const) : []), 'simd', 'xnnpack'];
