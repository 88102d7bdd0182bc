// The studio's SIMD training kernels, in AssemblyScript. Compiled by scripts/build-simd-kernels.mjs
// into simd-kernels.generated.ts; loaded by ../simd-module.ts into TF.js's own WebAssembly memory, so
// every pointer here is a byte offset of TF.js's heap and no tensor is copied in or out.
//
// Why these exist: TF.js 4.22's wasm build computes with separate multiplies and adds (XNNPACK's
// wasmsimd kernels). Relaxed SIMD's f32x4.relaxed_madd is a fused multiply-add on every desktop CPU
// made since 2013, which nearly doubles what one core can do; the same source compiles a second time
// without it for engines that lack relaxed SIMD. Matrices are row-major float32.

/** Columns of one packed panel of B: two f32x4 registers. */
const NR: i32 = 8;
/**
 * Depth of one block of a product: four rows of A and a panel of B over KC (24 KB) stay in the L1
 * cache. 512 rather than 256: 3x3 convolutions over 32 to 56 channels (widths 288 to 504) then take
 * one block, without a second pass over C (VGG-style's convolutions about 4% faster).
 */
const KC: i32 = 512;
/** Rows of A per block: MC rows over KC stay in the L2 cache. */
const MC: i32 = 128;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  else return f32x4.add(f32x4.mul(a, b), c);
}

@inline function minI(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Loads `cols` (0–4) floats into the low lanes, zeros elsewhere. */
@inline function loadPart(p: usize, cols: i32): v128 {
  if (cols >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (cols > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (cols > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (cols > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the low `cols` (0–4) lanes. */
@inline function storePart(p: usize, v: v128, cols: i32): void {
  if (cols >= 4) {
    v128.store(p, v);
    return;
  }
  if (cols > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (cols > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cols > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** C[4×cols] (+)= A[4×k] · panel[k×8]; `lda`/`ldc` in bytes. */
function tile4(a: usize, lda: usize, b: usize, k: i32, c: usize, ldc: usize, cols: i32, accumulate: bool): void {
  const lo = minI(cols, 4);
  const hi = cols - 4;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (accumulate) {
    c00 = loadPart(c, lo); c01 = loadPart(c + 16, hi);
    c10 = loadPart(c + ldc, lo); c11 = loadPart(c + ldc + 16, hi);
    c20 = loadPart(c + 2 * ldc, lo); c21 = loadPart(c + 2 * ldc + 16, hi);
    c30 = loadPart(c + 3 * ldc, lo); c31 = loadPart(c + 3 * ldc + 16, hi);
  }
  let a0 = a;
  let a1 = a + lda;
  let a2 = a1 + lda;
  let a3 = a2 + lda;
  let bp = b;
  for (let kk = 0; kk < k; kk++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    bp += 32;
    const x0 = v128.load32_splat(a0);
    const x1 = v128.load32_splat(a1);
    const x2 = v128.load32_splat(a2);
    const x3 = v128.load32_splat(a3);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4;
    c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
  }
  storePart(c, c00, lo); storePart(c + 16, c01, hi);
  storePart(c + ldc, c10, lo); storePart(c + ldc + 16, c11, hi);
  storePart(c + 2 * ldc, c20, lo); storePart(c + 2 * ldc + 16, c21, hi);
  storePart(c + 3 * ldc, c30, lo); storePart(c + 3 * ldc + 16, c31, hi);
}

/** C[1×cols] (+)= A[1×k] · panel[k×8]. */
function tile1(a: usize, b: usize, k: i32, c: usize, cols: i32, accumulate: bool): void {
  const lo = minI(cols, 4);
  const hi = cols - 4;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  if (accumulate) {
    c0 = loadPart(c, lo);
    c1 = loadPart(c + 16, hi);
  }
  let ap = a;
  let bp = b;
  for (let kk = 0; kk < k; kk++) {
    const x = v128.load32_splat(ap);
    c0 = madd(x, v128.load(bp), c0);
    c1 = madd(x, v128.load(bp, 16), c1);
    ap += 4;
    bp += 32;
  }
  storePart(c, c0, lo);
  storePart(c + 16, c1, hi);
}

/** Bytes `packB` writes for a k×n matrix. */
export function packedSize(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * k * NR * 4;
}

/**
 * Packs B (element (i, j) at b[i·rowStride + j·colStride]) into panels of 8 columns, each k rows of 8
 * contiguous floats, zero-padded past column n: the layout `gemm` streams.
 */
export function packB(b: usize, rowStride: i32, colStride: i32, k: i32, n: i32, out: usize): void {
  let o = out;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = minI(NR, n - j0);
    if (cols == NR && colStride == 1) {
      for (let i = 0; i < k; i++) {
        const src = at(b, i * rowStride + j0);
        v128.store(o, v128.load(src));
        v128.store(o, v128.load(src, 16), 16);
        o += 32;
      }
    } else {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(o, j < cols ? load<f32>(at(b, i * rowStride + (j0 + j) * colStride)) : 0);
          o += 4;
        }
      }
    }
  }
}

/**
 * C[m×n] = A[m×k] · B (+ C when `accumulate`), B packed by `packB`; `lda`/`ldc` in elements. Blocked
 * over k (KC) and m (MC) so the slices in use stay in cache.
 */
export function gemm(a: usize, lda: i32, bp: usize, k: i32, c: usize, ldc: i32, m: i32, n: i32, accumulate: bool): void {
  const ldaBytes = <usize>lda << 2;
  const ldcBytes = <usize>ldc << 2;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = minI(KC, k - k0);
    const acc = accumulate || k0 > 0;
    for (let m0 = 0; m0 < m; m0 += MC) {
      const mEnd = minI(m, m0 + MC);
      for (let j0 = 0; j0 < n; j0 += NR) {
        const cols = minI(NR, n - j0);
        const panel = bp + ((<usize>j0 * k + <usize>k0 * NR) << 2);
        let i = m0;
        for (; i + 4 <= mEnd; i += 4) {
          tile4(at(a, i * lda + k0), ldaBytes, panel, kc, at(c, i * ldc + j0), ldcBytes, cols, acc);
        }
        for (; i < mEnd; i++) tile1(at(a, i * lda + k0), panel, kc, at(c, i * ldc + j0), cols, acc);
      }
    }
  }
}

/** out[cols×rows] = inᵀ for in[rows×cols]. */
export function transpose(src: usize, rows: i32, cols: i32, out: usize): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) store<f32>(at(out, j * rows + i), load<f32>(at(src, i * cols + j)));
  }
}

/** Copies `count` floats: four at a time up to 64 (a runtime call to memory.copy costs more below that). */
@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  if (count >= 64) {
    memory.copy(dst, src, <usize>count << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function zeroFloats(dst: usize, count: i32): void {
  if (count >= 64) {
    memory.fill(dst, 0, <usize>count << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), 0);
}

// The geometry of the current convolution, set once per call by `setGeometry` (wasm calls take only
// a handful of arguments cheaply, and every routine below needs all of it).
let gH: i32 = 0, gW: i32 = 0, gCi: i32 = 0, gKh: i32 = 0, gKw: i32 = 0;
let gSh: i32 = 1, gSw: i32 = 1, gDh: i32 = 1, gDw: i32 = 1, gPt: i32 = 0, gPl: i32 = 0;
let gOh: i32 = 0, gOw: i32 = 0, gCo: i32 = 0;
// The taps that reach the input for some output position: [gKy0, gKy1) × [gKx0, gKx1). On maps
// smaller than the kernel (ResNet's last stages at 32x32: 3x3 kernels on 1x1 maps) the others only
// ever multiply padding, so the products leave them out.
let gKy0: i32 = 0, gKy1: i32 = 0, gKx0: i32 = 0, gKx1: i32 = 0;
/** Columns of the im2col matrix: the live taps times the input channels. */
let gWidth: i32 = 0;

// A live tap reaches the input for some output position; these bounds are necessary conditions, so a
// tap they keep may still only meet padding (wasted work, never a wrong result).
function firstLiveTap(k: i32, d: i32, p: i32, s: i32, outSize: i32): i32 {
  let t = 0;
  while (t < k && (outSize - 1) * s + t * d - p < 0) t++;
  return t;
}

function endLiveTap(k: i32, d: i32, p: i32, inSize: i32): i32 {
  let t = k;
  while (t > 0 && (t - 1) * d - p > inSize - 1) t--;
  return t;
}

/** Input h×w×ci, filter kh×kw, strides, dilations, top/left padding, output oh×ow×co (NHWC). Returns the im2col width. */
export function setGeometry(h: i32, w: i32, ci: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, oh: i32, ow: i32, co: i32): i32 {
  gH = h; gW = w; gCi = ci; gKh = kh; gKw = kw; gSh = sh; gSw = sw; gDh = dh; gDw = dw;
  gPt = pt; gPl = pl; gOh = oh; gOw = ow; gCo = co;
  gKy0 = firstLiveTap(kh, dh, pt, sh, oh);
  gKy1 = endLiveTap(kh, dh, pt, h);
  gKx0 = firstLiveTap(kw, dw, pl, sw, ow);
  gKx1 = endLiveTap(kw, dw, pl, w);
  if (gKy1 < gKy0) gKy1 = gKy0;
  if (gKx1 < gKx0) gKx1 = gKx0;
  gWidth = (gKy1 - gKy0) * (gKx1 - gKx0) * ci;
  return gWidth;
}

@inline function isPointwise(): bool {
  return gKh == 1 && gKw == 1 && gSh == 1 && gSw == 1 && gPt == 0 && gPl == 0;
}

@inline function allTapsLive(): bool {
  return gKy0 == 0 && gKy1 == gKh && gKx0 == 0 && gKx1 == gKw;
}

/** The row of the filter [kh·kw·ci, co] that column `col` of the im2col matrix multiplies. */
@inline function filterRow(col: i32): i32 {
  const run = (gKx1 - gKx0) * gCi;
  const kyi = col / run;
  return ((gKy0 + kyi) * gKw + gKx0) * gCi + (col - kyi * run);
}

/**
 * Packs the live rows of the filter W [kh·kw·ci, co] for `gemm`: as B = W[live rows] (k = width, n = co)
 * or, `transposed`, as B = W[live rows]ᵀ (k = co, n = width).
 */
export function packFilter(w: usize, transposed: bool, out: usize): void {
  const co = gCo;
  const width = gWidth;
  let o = out;
  if (!transposed) {
    for (let j0 = 0; j0 < co; j0 += NR) {
      const cols = minI(NR, co - j0);
      for (let i = 0; i < width; i++) {
        const row = at(w, filterRow(i) * co + j0);
        if (cols == NR) {
          v128.store(o, v128.load(row));
          v128.store(o, v128.load(row, 16), 16);
        } else {
          for (let j = 0; j < NR; j++) store<f32>(at(o, j), j < cols ? load<f32>(at(row, j)) : 0);
        }
        o += 32;
      }
    }
    return;
  }
  for (let j0 = 0; j0 < width; j0 += NR) {
    const cols = minI(NR, width - j0);
    for (let i = 0; i < co; i++) {
      for (let j = 0; j < NR; j++) store<f32>(at(o, j), j < cols ? load<f32>(at(w, filterRow(j0 + j) * co + i)) : 0);
      o += 32;
    }
  }
}

/** Rows r0… of the im2col matrix [n·oh·ow, width] of x (live taps only) into out. */
function im2col(x: usize, r0: i32, rows: i32, out: usize): void {
  const ci = gCi;
  const width = gWidth;
  const perImage = gOh * gOw;
  const tapsX = gKx1 - gKx0;
  const runFloats = tapsX * ci;
  const contiguous = gDw == 1;
  for (let r = 0; r < rows; r++) {
    const pixel = r0 + r;
    const b = pixel / perImage;
    const rem = pixel - b * perImage;
    const oy = rem / gOw;
    const ox = rem - oy * gOw;
    let dst = at(out, r * width);
    const ix0 = ox * gSw - gPl + gKx0 * gDw;
    const ix1 = ix0 + (tapsX - 1) * gDw;
    for (let ky = gKy0; ky < gKy1; ky++) {
      const iy = oy * gSh - gPt + ky * gDh;
      if (iy < 0 || iy >= gH) {
        zeroFloats(dst, runFloats);
      } else if (contiguous && ix0 >= 0 && ix1 < gW) {
        // The whole row of taps lies inside the input: one run of kw·ci floats.
        copyFloats(dst, at(x, ((b * gH + iy) * gW + ix0) * ci), runFloats);
      } else {
        for (let kx = gKx0; kx < gKx1; kx++) {
          const ix = ox * gSw - gPl + kx * gDw;
          const d = dst + (<usize>((kx - gKx0) * ci) << 2);
          if (ix < 0 || ix >= gW) zeroFloats(d, ci);
          else copyFloats(d, at(x, ((b * gH + iy) * gW + ix) * ci), ci);
        }
      }
      dst += <usize>runFloats << 2;
    }
  }
}

/** Adds the block of columns cols[rows, width] for pixels r0… back into dx (the transpose of im2col). */
function col2imAdd(cols: usize, r0: i32, rows: i32, dx: usize): void {
  const ci = gCi;
  const perImage = gOh * gOw;
  const vectorCh = ci & ~3;
  for (let r = 0; r < rows; r++) {
    const pixel = r0 + r;
    const b = pixel / perImage;
    const rem = pixel - b * perImage;
    const oy = rem / gOw;
    const ox = rem - oy * gOw;
    let src = at(cols, r * gWidth);
    for (let ky = gKy0; ky < gKy1; ky++) {
      const iy = oy * gSh - gPt + ky * gDh;
      for (let kx = gKx0; kx < gKx1; kx++) {
        const ix = ox * gSw - gPl + kx * gDw;
        if (iy >= 0 && iy < gH && ix >= 0 && ix < gW) {
          const dst = at(dx, ((b * gH + iy) * gW + ix) * ci);
          let ch = 0;
          for (; ch < vectorCh; ch += 4) {
            const p = at(dst, ch);
            v128.store(p, f32x4.add(v128.load(p), v128.load(at(src, ch))));
          }
          for (; ch < ci; ch++) {
            const p = at(dst, ch);
            store<f32>(p, load<f32>(p) + load<f32>(at(src, ch)));
          }
        }
        src += <usize>ci << 2;
      }
    }
  }
}

/** y[rows×co] += bias, then the activation: 0 linear, 1 relu, 2 relu6. */
function biasActivation(y: usize, rows: i32, co: i32, bias: usize, activation: i32): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const vectorCo = co & ~3;
  for (let r = 0; r < rows; r++) {
    const row = at(y, r * co);
    let j = 0;
    for (; j < vectorCo; j += 4) {
      let v = v128.load(at(row, j));
      if (bias != 0) v = f32x4.add(v, v128.load(at(bias, j)));
      if (activation >= 1) v = f32x4.max(v, zero);
      if (activation == 2) v = f32x4.min(v, six);
      v128.store(at(row, j), v);
    }
    for (; j < co; j++) {
      let s = load<f32>(at(row, j));
      if (bias != 0) s += load<f32>(at(bias, j));
      if (activation >= 1 && s < 0) s = 0;
      if (activation == 2 && s > 6) s = 6;
      store<f32>(at(row, j), s);
    }
  }
}

/** The first and one-past-last of `total` items for share `index` of `count`, in whole `unit`s. */
@inline function shareStart(total: i32, unit: i32, index: i32, count: i32): i32 {
  const per = ((total + count * unit - 1) / (count * unit)) * unit;
  return minI(total, index * per);
}

/** Share `index` of `count` of the forward: a range of output pixels in whole blocks. */
function forwardShare(x: usize, n: i32, wp: usize, y: usize, scratch: usize, blockRows: i32, bias: usize, activation: i32, index: i32, count: i32): void {
  const width = gWidth;
  const pixels = n * gOh * gOw;
  const start = shareStart(pixels, blockRows, index, count);
  const end = shareStart(pixels, blockRows, index + 1, count);
  if (end <= start) return;
  if (isPointwise()) {
    gemm(at(x, start * gCi), gCi, wp, width, at(y, start * gCo), gCo, end - start, gCo, false);
  } else {
    for (let r0 = start; r0 < end; r0 += blockRows) {
      const rows = minI(blockRows, end - r0);
      im2col(x, r0, rows, scratch);
      gemm(scratch, width, wp, width, at(y, r0 * gCo), gCo, rows, gCo, false);
    }
  }
  if (bias != 0 || activation != 0) biasActivation(at(y, start * gCo), end - start, gCo, bias, activation);
}

/** Share `index` of `count` of the input gradient: whole images, so no two threads add into the same dx. */
function inputGradientShare(dy: usize, n: i32, wtp: usize, dx: usize, scratch: usize, blockRows: i32, index: i32, count: i32): void {
  const width = gWidth;
  const perImage = gOh * gOw;
  const first = shareStart(n, 1, index, count);
  const last = shareStart(n, 1, index + 1, count);
  if (last <= first) return;
  const start = first * perImage;
  const end = last * perImage;
  if (isPointwise()) {
    gemm(at(dy, start * gCo), gCo, wtp, gCo, at(dx, start * gCi), gCi, end - start, gCi, false);
    return;
  }
  const imageFloats = gH * gW * gCi;
  memory.fill(at(dx, first * imageFloats), 0, <usize>((last - first) * imageFloats) << 2);
  for (let r0 = start; r0 < end; r0 += blockRows) {
    const rows = minI(blockRows, end - r0);
    gemm(at(dy, r0 * gCo), gCo, wtp, gCo, scratch, width, rows, width, false);
    col2imAdd(scratch, r0, rows, dx);
  }
}

/** Broadcasts lane `i` of v. */
@inline function lane0(v: v128): v128 { return i32x4.shuffle(v, v, 0, 0, 0, 0); }
@inline function lane1(v: v128): v128 { return i32x4.shuffle(v, v, 1, 1, 1, 1); }
@inline function lane2(v: v128): v128 { return i32x4.shuffle(v, v, 2, 2, 2, 2); }
@inline function lane3(v: v128): v128 { return i32x4.shuffle(v, v, 3, 3, 3, 3); }

/**
 * C[4×cols] += Aᵀ·B over `depth` rows, where rows of A hold the 4 values for C's rows side by side
 * (A = an im2col block [depth, width], B = a block of dy [depth, co]); strides in bytes.
 */
function tileT4(a: usize, lda: usize, b: usize, ldb: usize, depth: i32, c: usize, ldc: usize, cols: i32): void {
  const lo = minI(cols, 4);
  const hi = cols - 4;
  let c00 = loadPart(c, lo), c01 = loadPart(c + 16, hi);
  let c10 = loadPart(c + ldc, lo), c11 = loadPart(c + ldc + 16, hi);
  let c20 = loadPart(c + 2 * ldc, lo), c21 = loadPart(c + 2 * ldc + 16, hi);
  let c30 = loadPart(c + 3 * ldc, lo), c31 = loadPart(c + 3 * ldc + 16, hi);
  let ap = a;
  let bp = b;
  // The loop is written twice so that the full-panel case keeps plain vector loads of B, with the
  // test out of the loop (as in tile4, the eight accumulators must stay locals to stay in registers).
  if (cols == NR) {
    for (let p = 0; p < depth; p++) {
      const va = v128.load(ap);
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      ap += lda;
      bp += ldb;
      const x0 = lane0(va), x1 = lane1(va), x2 = lane2(va), x3 = lane3(va);
      c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
      c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
      c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
      c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
    }
  } else {
    for (let p = 0; p < depth; p++) {
      const va = v128.load(ap);
      const b0 = loadPart(bp, lo);
      const b1 = loadPart(bp + 16, hi);
      ap += lda;
      bp += ldb;
      const x0 = lane0(va), x1 = lane1(va), x2 = lane2(va), x3 = lane3(va);
      c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
      c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
      c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
      c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
    }
  }
  storePart(c, c00, lo); storePart(c + 16, c01, hi);
  storePart(c + ldc, c10, lo); storePart(c + ldc + 16, c11, hi);
  storePart(c + 2 * ldc, c20, lo); storePart(c + 2 * ldc + 16, c21, hi);
  storePart(c + 3 * ldc, c30, lo); storePart(c + 3 * ldc + 16, c31, hi);
}

/** C[1×cols] += Aᵀ·B for one row of C (column `a` of the im2col block). */
function tileT1(a: usize, lda: usize, b: usize, ldb: usize, depth: i32, c: usize, cols: i32): void {
  const lo = minI(cols, 4);
  const hi = cols - 4;
  let c0 = loadPart(c, lo), c1 = loadPart(c + 16, hi);
  let ap = a;
  let bp = b;
  for (let p = 0; p < depth; p++) {
    const x = v128.load32_splat(ap);
    c0 = madd(x, loadPart(bp, lo), c0);
    c1 = madd(x, loadPart(bp + 16, hi), c1);
    ap += lda;
    bp += ldb;
  }
  storePart(c, c0, lo);
  storePart(c + 16, c1, hi);
}

/**
 * Share `index` of `count` of the filter gradient, rows [i0, i1) of dW (in fours): Σ over blocks of
 * output pixels of im2col(x)ᵀ · dy, read in place (no transposition, no packing) from this share's
 * own im2col block. `target` is dW where every tap is live, else `sums` [width, co] of the live taps.
 */
function filterGradientShare(x: usize, n: i32, dy: usize, target: usize, columns: usize, blockRows: i32, index: i32, count: i32): void {
  const width = gWidth;
  const co = gCo;
  const pixels = n * gOh * gOw;
  const i0 = shareStart(width, 4, index, count);
  const i1 = shareStart(width, 4, index + 1, count);
  if (i1 <= i0) return;
  memory.fill(at(target, i0 * co), 0, <usize>((i1 - i0) * co) << 2);
  const pointwise = isPointwise();
  const lda = <usize>width << 2;
  const ldb = <usize>co << 2;
  const ldc = <usize>co << 2;
  for (let r0 = 0; r0 < pixels; r0 += blockRows) {
    const rows = minI(blockRows, pixels - r0);
    let a = at(x, r0 * gCi);
    if (!pointwise) {
      im2col(x, r0, rows, columns);
      a = columns;
    }
    const b = at(dy, r0 * co);
    for (let j0 = 0; j0 < co; j0 += NR) {
      const cols = minI(NR, co - j0);
      let i = i0;
      for (; i + 4 <= i1; i += 4) tileT4(at(a, i), lda, at(b, j0), ldb, rows, at(target, i * co + j0), ldc, cols);
      for (; i < i1; i++) tileT1(at(a, i), lda, at(b, j0), ldb, rows, at(target, i * co + j0), cols);
    }
  }
}

/** dW's rows from the live taps' sums (dW's other rows are zero); nothing to do where every tap is live. */
function scatterFilterGradient(dw: usize, sums: usize): void {
  if (allTapsLive()) return;
  const co = gCo;
  memory.fill(dw, 0, <usize>(gKh * gKw * gCi * co) << 2);
  for (let i = 0; i < gWidth; i++) memory.copy(at(dw, filterRow(i) * co), at(sums, i * co), <usize>co << 2);
}

// Work shared with helper threads (TF.js's threaded build: shared memory). A control block of int32
// slots on the heap: the generation (bumped for each job), the job, how many helpers are done, the
// thread count, the geometry, and the job's arguments. Helpers wait on the generation in
// `workerLoop`; the calling thread does share 0 and waits for the helpers.
const C_GENERATION: usize = 0;
const C_TASK: usize = 4;
const C_DONE: usize = 8;
const C_THREADS: usize = 12;
const C_GEOMETRY: usize = 16;
const C_ARGS: usize = 16 + 14 * 4;
/** Bytes of the control block. */
export const CONTROL_BYTES: i32 = 16 + 14 * 4 + 12 * 4;

const TASK_FORWARD = 1;
const TASK_INPUT_GRADIENT = 2;
const TASK_FILTER_GRADIENT = 3;
const TASK_QUIT = 9;

@inline function arg(control: usize, i: i32): i32 {
  return load<i32>(control + C_ARGS + (<usize>i << 2));
}

@inline function setArg(control: usize, i: i32, value: i32): void {
  store<i32>(control + C_ARGS + (<usize>i << 2), value);
}

function saveGeometry(control: usize): void {
  const g = control + C_GEOMETRY;
  store<i32>(g, gH); store<i32>(g, gW, 4); store<i32>(g, gCi, 8); store<i32>(g, gKh, 12); store<i32>(g, gKw, 16);
  store<i32>(g, gSh, 20); store<i32>(g, gSw, 24); store<i32>(g, gDh, 28); store<i32>(g, gDw, 32); store<i32>(g, gPt, 36);
  store<i32>(g, gPl, 40); store<i32>(g, gOh, 44); store<i32>(g, gOw, 48); store<i32>(g, gCo, 52);
}

function loadGeometry(control: usize): void {
  const g = control + C_GEOMETRY;
  setGeometry(load<i32>(g), load<i32>(g, 4), load<i32>(g, 8), load<i32>(g, 12), load<i32>(g, 16), load<i32>(g, 20), load<i32>(g, 24), load<i32>(g, 28), load<i32>(g, 32), load<i32>(g, 36), load<i32>(g, 40), load<i32>(g, 44), load<i32>(g, 48), load<i32>(g, 52));
}

/** Runs share `index` of the job in the control block (arguments: see the entry points below). */
function runShare(control: usize, index: i32): void {
  const count = load<i32>(control + C_THREADS);
  const task = load<i32>(control + C_TASK);
  // Arguments 0–7 as the entry points store them; slot 8 is the per-thread scratch stride in bytes.
  const scratch = <usize>arg(control, 4) + <usize>index * <usize>arg(control, 8);
  if (task == TASK_FORWARD) {
    forwardShare(arg(control, 0), arg(control, 1), arg(control, 2), arg(control, 3), scratch, arg(control, 5), arg(control, 6), arg(control, 7), index, count);
  } else if (task == TASK_INPUT_GRADIENT) {
    inputGradientShare(arg(control, 0), arg(control, 1), arg(control, 2), arg(control, 3), scratch, arg(control, 5), index, count);
  } else if (task == TASK_FILTER_GRADIENT) {
    filterGradientShare(arg(control, 0), arg(control, 1), arg(control, 2), arg(control, 3), scratch, arg(control, 5), index, count);
  }
}

/** Runs the job in the control block on every thread; returns when all shares are done. */
function dispatch(control: usize, task: i32): void {
  const threads = load<i32>(control + C_THREADS);
  if (!ASC_FEATURE_THREADS || threads <= 1) {
    store<i32>(control + C_THREADS, 1);
    store<i32>(control + C_TASK, task);
    runShare(control, 0);
    store<i32>(control + C_THREADS, threads);
    return;
  }
  if (ASC_FEATURE_THREADS) {
    saveGeometry(control);
    atomic.store<i32>(control + C_DONE, 0);
    atomic.store<i32>(control + C_TASK, task);
    atomic.add<i32>(control + C_GENERATION, 1);
    atomic.notify(control + C_GENERATION, threads - 1);
    runShare(control, 0);
    let done = atomic.load<i32>(control + C_DONE);
    while (done < threads - 1) {
      atomic.wait<i32>(control + C_DONE, done, -1);
      done = atomic.load<i32>(control + C_DONE);
    }
  }
}

/** A helper thread's life: wait for a job, run its share, count it done; until TASK_QUIT. */
export function workerLoop(control: usize, index: i32): void {
  if (ASC_FEATURE_THREADS) {
    let seen = 0;
    while (true) {
      const generation = atomic.load<i32>(control + C_GENERATION);
      if (generation == seen) {
        atomic.wait<i32>(control + C_GENERATION, seen, -1);
        continue;
      }
      seen = generation;
      const task = atomic.load<i32>(control + C_TASK);
      if (task == TASK_QUIT) return;
      loadGeometry(control);
      runShare(control, index);
      atomic.add<i32>(control + C_DONE, 1);
      atomic.notify(control + C_DONE, 1);
    }
  }
}

/** Stops the helper threads waiting on `control` (they return from workerLoop). */
export function stopWorkers(control: usize): void {
  if (ASC_FEATURE_THREADS) {
    atomic.store<i32>(control + C_TASK, TASK_QUIT);
    atomic.add<i32>(control + C_GENERATION, 1);
    atomic.notify(control + C_GENERATION, -1);
  }
}

/**
 * y = conv(x, W) (+ bias, activation) for n images, as blocks of `blockRows` output pixels: im2col of
 * the block into the thread's scratch (`scratch` + thread·`scratchBytes`), then one product with the
 * packed filter `wp` (packFilter). Shared among the control block's threads.
 */
export function conv2dForward(control: usize, x: usize, n: i32, wp: usize, y: usize, scratch: usize, scratchBytes: i32, blockRows: i32, bias: usize, activation: i32): void {
  setArg(control, 0, x); setArg(control, 1, n); setArg(control, 2, wp); setArg(control, 3, y); setArg(control, 4, scratch);
  setArg(control, 5, blockRows); setArg(control, 6, bias); setArg(control, 7, activation); setArg(control, 8, scratchBytes);
  dispatch(control, TASK_FORWARD);
}

/**
 * dx = the input gradient of the convolution, from dy and the packed transposed filter `wtp`
 * (packFilter, transposed): per block of output pixels, the block's columns dy·Wᵀ into the thread's
 * scratch, added back into their windows.
 */
export function conv2dInputGradient(control: usize, dy: usize, n: i32, wtp: usize, dx: usize, scratch: usize, scratchBytes: i32, blockRows: i32): void {
  setArg(control, 0, dy); setArg(control, 1, n); setArg(control, 2, wtp); setArg(control, 3, dx); setArg(control, 4, scratch);
  setArg(control, 5, blockRows); setArg(control, 8, scratchBytes);
  dispatch(control, TASK_INPUT_GRADIENT);
}

/**
 * dW = Σ over blocks of output pixels of im2col(x)ᵀ · dy. `columns` + thread·`columnBytes` is each
 * thread's im2col block; `sums` [width, co] collects the live taps' rows where some taps are dead.
 */
export function conv2dFilterGradient(control: usize, x: usize, n: i32, dy: usize, dw: usize, columns: usize, columnBytes: i32, sums: usize, blockRows: i32): void {
  setArg(control, 0, x); setArg(control, 1, n); setArg(control, 2, dy); setArg(control, 3, allTapsLive() ? dw : sums); setArg(control, 4, columns);
  setArg(control, 5, blockRows); setArg(control, 8, columnBytes);
  dispatch(control, TASK_FILTER_GRADIENT);
  scatterFilterGradient(dw, sums);
}

/**
 * One Adam step over `count` weights: m′ = β₁m + (1−β₁)g, v′ = β₂v + (1−β₂)g², w′ = w − step·m′ /
 * (√(v′·unbias) + ε), where step and unbias carry the bias corrections.
 */
export function adam(w: usize, m: usize, v: usize, g: usize, w1: usize, m1: usize, v1: usize, count: i32, beta1: f32, beta2: f32, epsilon: f32, step: f32, unbias: f32): void {
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const k1 = f32x4.splat(1 - beta1);
  const k2 = f32x4.splat(1 - beta2);
  const eps = f32x4.splat(epsilon);
  const st = f32x4.splat(step);
  const ub = f32x4.splat(unbias);
  const vectorCount = count & ~3;
  let i = 0;
  for (; i < vectorCount; i += 4) {
    const gi = v128.load(at(g, i));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(at(m, i))), f32x4.mul(k1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(at(v, i))), f32x4.mul(k2, f32x4.mul(gi, gi)));
    v128.store(at(m1, i), mi);
    v128.store(at(v1, i), vi);
    const denominator = f32x4.add(f32x4.sqrt(f32x4.mul(vi, ub)), eps);
    v128.store(at(w1, i), f32x4.sub(v128.load(at(w, i)), f32x4.div(f32x4.mul(st, mi), denominator)));
  }
  for (; i < count; i++) {
    const gi = load<f32>(at(g, i));
    const mi = beta1 * load<f32>(at(m, i)) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(at(v, i)) + (1 - beta2) * gi * gi;
    store<f32>(at(m1, i), mi);
    store<f32>(at(v1, i), vi);
    store<f32>(at(w1, i), load<f32>(at(w, i)) - (step * mi) / (Mathf.sqrt(vi * unbias) + epsilon));
  }
}

// Element-wise kernels: the activations, bias additions and reductions around every convolution, which
// on a small network such as LeNet-5 cost as much as its convolutions do through TF.js's kernels.

/**
 * tanh of four lanes as Eigen computes it in float: x·P(x²)/Q(x²), P of degree 13 and Q of degree 6 in
 * x, on x clamped to ±7.905 (where tanh rounds to ±1); below |x| = 0.0004, x itself. Pseudo-min/max
 * (single instructions) for the clamp: NaN handling comes from the final division.
 */
@inline function tanh4(x: v128): v128 {
  const limit = f32x4.splat(7.90531110763549805);
  const c = f32x4.pmax(f32x4.pmin(x, limit), f32x4.neg(limit));
  const x2 = f32x4.mul(c, c);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = madd(p, x2, f32x4.splat(2.00018790482477e-13));
  p = madd(p, x2, f32x4.splat(-8.60467152213735e-11));
  p = madd(p, x2, f32x4.splat(5.12229709037114e-8));
  p = madd(p, x2, f32x4.splat(1.48572235717979e-5));
  p = madd(p, x2, f32x4.splat(6.37261928875436e-4));
  p = madd(p, x2, f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(p, c);
  let q = f32x4.splat(1.19825839466702e-6);
  q = madd(q, x2, f32x4.splat(1.18534705686654e-4));
  q = madd(q, x2, f32x4.splat(2.26843463243900e-3));
  q = madd(q, x2, f32x4.splat(4.89352518554385e-3));
  const tiny = f32x4.lt(f32x4.abs(x), f32x4.splat(0.0004));
  return v128.bitselect(x, f32x4.div(p, q), tiny);
}

/** y = tanh(x) over `count` floats. */
export function tanh(x: usize, y: usize, count: i32): void {
  const vectorCount = count & ~3;
  let i = 0;
  for (; i < vectorCount; i += 4) v128.store(at(y, i), tanh4(v128.load(at(x, i))));
  for (; i < count; i++) store<f32>(at(y, i), f32x4.extract_lane(tanh4(f32x4.splat(load<f32>(at(x, i)))), 0));
}

/** dx = dy·(1 − y²), tanh's gradient from its output. */
export function tanhGradient(dy: usize, y: usize, dx: usize, count: i32): void {
  const one = f32x4.splat(1);
  const vectorCount = count & ~3;
  let i = 0;
  for (; i < vectorCount; i += 4) {
    const yi = v128.load(at(y, i));
    v128.store(at(dx, i), f32x4.mul(v128.load(at(dy, i)), f32x4.sub(one, f32x4.mul(yi, yi))));
  }
  for (; i < count; i++) {
    const yi = load<f32>(at(y, i));
    store<f32>(at(dx, i), load<f32>(at(dy, i)) * (1 - yi * yi));
  }
}

/** out[rows×cols] = a[rows×cols] + v[cols] (a bias added to every row). */
export function addRowVector(a: usize, v: usize, out: usize, rows: i32, cols: i32): void {
  const vectorCols = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const src = at(a, r * cols);
    const dst = at(out, r * cols);
    let j = 0;
    for (; j < vectorCols; j += 4) v128.store(at(dst, j), f32x4.add(v128.load(at(src, j)), v128.load(at(v, j))));
    for (; j < cols; j++) store<f32>(at(dst, j), load<f32>(at(src, j)) + load<f32>(at(v, j)));
  }
}

/** out[cols] = Σ over rows of x[rows×cols], accumulated in float64 in `sums` (cols doubles). */
export function sumRows(x: usize, rows: i32, cols: i32, out: usize, sums: usize): void {
  memory.fill(sums, 0, <usize>cols << 3);
  const pairCols = cols & ~1;
  for (let r = 0; r < rows; r++) {
    const src = at(x, r * cols);
    let j = 0;
    for (; j < pairCols; j += 2) {
      const acc = sums + (<usize>j << 3);
      v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(v128.load64_zero(at(src, j)))));
    }
    if (j < cols) {
      const acc = sums + (<usize>j << 3);
      store<f64>(acc, load<f64>(acc) + <f64>load<f32>(at(src, j)));
    }
  }
  for (let j = 0; j < cols; j++) store<f32>(at(out, j), <f32>load<f64>(sums + (<usize>j << 3)));
}

// Pooling windows use the convolution geometry (setGeometry with dilations 1 and ci = co = the
// channels): the input rows [gRowStart, gRowEnd) and columns [gColStart, gColEnd) under a window.
let gRowStart: i32 = 0, gRowEnd: i32 = 0, gColStart: i32 = 0, gColEnd: i32 = 0;

@inline function windowRowsAt(i: i32): void {
  const r0 = i * gSh - gPt;
  gRowStart = r0 < 0 ? 0 : r0;
  gRowEnd = minI(gH, r0 + gKh);
}

@inline function windowColsAt(j: i32): void {
  const c0 = j * gSw - gPl;
  gColStart = c0 < 0 ? 0 : c0;
  gColEnd = minI(gW, c0 + gKw);
}

/**
 * AvgPoolGrad (NHWC, geometry by setGeometry): each window's dy times `scale` (1 / the window's full
 * size) added to the inputs it covers, channels four at a time.
 */
export function avgPoolGradient(dy: usize, dx: usize, n: i32, scale: f32): void {
  const c = gCi;
  memory.fill(dx, 0, <usize>(n * gH * gW * c) << 2);
  const vs = f32x4.splat(scale);
  const vectorC = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < gOh; i++) {
      windowRowsAt(i);
      for (let j = 0; j < gOw; j++) {
        windowColsAt(j);
        const g = at(dy, ((b * gOh + i) * gOw + j) * c);
        for (let r = gRowStart; r < gRowEnd; r++) {
          for (let k = gColStart; k < gColEnd; k++) {
            const d = at(dx, ((b * gH + r) * gW + k) * c);
            let ch = 0;
            for (; ch < vectorC; ch += 4) {
              const p = at(d, ch);
              v128.store(p, f32x4.add(v128.load(p), f32x4.mul(v128.load(at(g, ch)), vs)));
            }
            for (; ch < c; ch++) {
              const p = at(d, ch);
              store<f32>(p, load<f32>(p) + load<f32>(at(g, ch)) * scale);
            }
          }
        }
      }
    }
  }
}

/** Horizontal sum of four lanes. */
@inline function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Padded-image row length for `singleChannelFilterGradient`: the taps' reach plus a vector's overrun. */
export function singleChannelPaddedWidth(ow: i32, kw: i32): i32 {
  return ((ow + kw - 1 + 4 + 3) >> 2) << 2;
}

/**
 * Conv2DBackpropFilter for one input channel at stride 1 (the first layer of a greyscale network such
 * as LeNet-5), where an im2col product wastes most of its work on a 1-wide row and a few outputs. The
 * sum runs over output pixels four at a time instead: x is padded once into `padded`
 * [n, oh+kh−1, singleChannelPaddedWidth], dy is laid out as planes [n, ⌈co/3⌉·3, oh, ⌈ow/4⌉·4] in
 * `planes` (zeros past the edges), and fifteen accumulators hold five taps × three output channels.
 * Lanes past the row's end multiply zeros of dy.
 */
export function singleChannelFilterGradient(x: usize, n: i32, dy: usize, dw: usize, padded: usize, planes: usize): void {
  const h = gH, w = gW, kh = gKh, kw = gKw, oh = gOh, ow = gOw, co = gCo;
  const hp = oh + kh - 1;
  const wp = singleChannelPaddedWidth(ow, kw);
  const owp = ((ow + 3) >> 2) << 2;
  const cog = ((co + 2) / 3) * 3;
  // The last row's vector loads run up to 8 floats past it: the buffer has 16 more, zeroed too.
  memory.fill(padded, 0, <usize>(n * hp * wp + 16) << 2);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < hp; r++) {
      const iy = r - gPt;
      if (iy < 0 || iy >= h) continue;
      // Input column ix lands at ix + left padding; columns no output reaches are left out.
      const count = minI(w, wp - gPl);
      if (count > 0) copyFloats(at(padded, (b * hp + r) * wp + gPl), at(x, (b * h + iy) * w), count);
    }
  }
  memory.fill(planes, 0, <usize>(n * cog * oh * owp) << 2);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const src = at(dy, ((b * oh + oy) * ow + ox) * co);
        for (let o = 0; o < co; o++) store<f32>(at(planes, ((b * cog + o) * oh + oy) * owp + ox), load<f32>(at(src, o)));
      }
    }
  }
  const zero = f32x4.splat(0);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx0 = 0; kx0 < kw; kx0 += 5) {
      const taps = minI(5, kw - kx0);
      for (let og = 0; og < cog; og += 3) {
        let a00 = zero, a01 = zero, a02 = zero, a10 = zero, a11 = zero, a12 = zero, a20 = zero, a21 = zero, a22 = zero;
        let a30 = zero, a31 = zero, a32 = zero, a40 = zero, a41 = zero, a42 = zero;
        for (let b = 0; b < n; b++) {
          for (let oy = 0; oy < oh; oy++) {
            let xp = at(padded, (b * hp + oy + ky) * wp + kx0);
            let d0 = at(planes, ((b * cog + og) * oh + oy) * owp);
            const plane = <usize>(oh * owp) << 2;
            for (let ox = 0; ox < owp; ox += 4) {
              const x0 = v128.load(xp), x1 = v128.load(xp, 4), x2 = v128.load(xp, 8), x3 = v128.load(xp, 12), x4 = v128.load(xp, 16);
              const g0 = v128.load(d0), g1 = v128.load(d0 + plane), g2 = v128.load(d0 + 2 * plane);
              a00 = madd(x0, g0, a00); a01 = madd(x0, g1, a01); a02 = madd(x0, g2, a02);
              a10 = madd(x1, g0, a10); a11 = madd(x1, g1, a11); a12 = madd(x1, g2, a12);
              a20 = madd(x2, g0, a20); a21 = madd(x2, g1, a21); a22 = madd(x2, g2, a22);
              a30 = madd(x3, g0, a30); a31 = madd(x3, g1, a31); a32 = madd(x3, g2, a32);
              a40 = madd(x4, g0, a40); a41 = madd(x4, g1, a41); a42 = madd(x4, g2, a42);
              xp += 16;
              d0 += 16;
            }
          }
        }
        const row = at(dw, (ky * kw + kx0) * co + og);
        const valid = minI(3, co - og);
        const tapStride = <usize>co << 2;
        // Tap t, channel c at row + t·co + c; taps past `taps` and channels past `valid` were padding.
        if (valid > 0) { store<f32>(row, lanesSum(a00)); if (taps > 1) store<f32>(row + tapStride, lanesSum(a10)); if (taps > 2) store<f32>(row + 2 * tapStride, lanesSum(a20)); if (taps > 3) store<f32>(row + 3 * tapStride, lanesSum(a30)); if (taps > 4) store<f32>(row + 4 * tapStride, lanesSum(a40)); }
        if (valid > 1) { store<f32>(row, lanesSum(a01), 4); if (taps > 1) store<f32>(row + tapStride, lanesSum(a11), 4); if (taps > 2) store<f32>(row + 2 * tapStride, lanesSum(a21), 4); if (taps > 3) store<f32>(row + 3 * tapStride, lanesSum(a31), 4); if (taps > 4) store<f32>(row + 4 * tapStride, lanesSum(a41), 4); }
        if (valid > 2) { store<f32>(row, lanesSum(a02), 8); if (taps > 1) store<f32>(row + tapStride, lanesSum(a12), 8); if (taps > 2) store<f32>(row + 2 * tapStride, lanesSum(a22), 8); if (taps > 3) store<f32>(row + 3 * tapStride, lanesSum(a32), 8); if (taps > 4) store<f32>(row + 4 * tapStride, lanesSum(a42), 8); }
      }
    }
  }
}

/** Rows summed in float32 before their sums join the float64 totals (keeps rounding at float64 level). */
const SUM_BLOCK: i32 = 64;

/**
 * Per-channel sums over the rows of a[rows×channels] and b of the same shape, into `out` as float64,
 * with b shifted by its first row K (so that a large mean cancels before squaring, not after):
 * mode 0 (a = b): Σ(a−K) and Σ(a−K)² at out[0…C) and out[C…2C); mode 1: Σa, Σ(b−K) and Σa·(b−K) at
 * out[0…3C). `partial` holds 3·C float32 block sums.
 */
export function channelSums(a: usize, b: usize, rows: i32, channels: i32, mode: i32, out: usize, partial: usize): void {
  const sets = mode == 0 ? 2 : 3;
  memory.fill(out, 0, <usize>(sets * channels) << 3);
  const vectorC = channels & ~3;
  const p0 = partial;
  const p1 = at(partial, channels);
  const p2 = at(partial, 2 * channels);
  const k = b;
  for (let r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    memory.fill(partial, 0, <usize>(sets * channels) << 2);
    const rEnd = minI(rows, r0 + SUM_BLOCK);
    for (let r = r0; r < rEnd; r++) {
      const ra = at(a, r * channels);
      const rb = at(b, r * channels);
      let c = 0;
      if (mode == 0) {
        for (; c < vectorC; c += 4) {
          const v = f32x4.sub(v128.load(at(ra, c)), v128.load(at(k, c)));
          v128.store(at(p0, c), f32x4.add(v128.load(at(p0, c)), v));
          v128.store(at(p1, c), madd(v, v, v128.load(at(p1, c))));
        }
        for (; c < channels; c++) {
          const v = load<f32>(at(ra, c)) - load<f32>(at(k, c));
          store<f32>(at(p0, c), load<f32>(at(p0, c)) + v);
          store<f32>(at(p1, c), load<f32>(at(p1, c)) + v * v);
        }
      } else {
        for (; c < vectorC; c += 4) {
          const u = v128.load(at(ra, c));
          const v = f32x4.sub(v128.load(at(rb, c)), v128.load(at(k, c)));
          v128.store(at(p0, c), f32x4.add(v128.load(at(p0, c)), u));
          v128.store(at(p1, c), f32x4.add(v128.load(at(p1, c)), v));
          v128.store(at(p2, c), madd(u, v, v128.load(at(p2, c))));
        }
        for (; c < channels; c++) {
          const u = load<f32>(at(ra, c));
          const v = load<f32>(at(rb, c)) - load<f32>(at(k, c));
          store<f32>(at(p0, c), load<f32>(at(p0, c)) + u);
          store<f32>(at(p1, c), load<f32>(at(p1, c)) + v);
          store<f32>(at(p2, c), load<f32>(at(p2, c)) + u * v);
        }
      }
    }
    for (let i = 0; i < sets * channels; i++) {
      const o = out + (<usize>i << 3);
      store<f64>(o, load<f64>(o) + <f64>load<f32>(at(partial, i)));
    }
  }
}

/**
 * out = k1·a + k2·(b − centre) + shift per channel (vectors of C floats): batch normalisation's
 * forward (a = x with k1 = 0, b = x) and its input gradient (a = dy, b = x) in one pass.
 */
export function channelAffine(a: usize, b: usize, out: usize, rows: i32, channels: i32, k1: usize, k2: usize, centre: usize, shift: usize): void {
  const vectorC = channels & ~3;
  for (let r = 0; r < rows; r++) {
    const ra = at(a, r * channels);
    const rb = at(b, r * channels);
    const ro = at(out, r * channels);
    let c = 0;
    for (; c < vectorC; c += 4) {
      const centred = f32x4.sub(v128.load(at(rb, c)), v128.load(at(centre, c)));
      const v = madd(v128.load(at(k1, c)), v128.load(at(ra, c)), madd(v128.load(at(k2, c)), centred, v128.load(at(shift, c))));
      v128.store(at(ro, c), v);
    }
    for (; c < channels; c++) {
      const centred = load<f32>(at(rb, c)) - load<f32>(at(centre, c));
      store<f32>(at(ro, c), load<f32>(at(k1, c)) * load<f32>(at(ra, c)) + load<f32>(at(k2, c)) * centred + load<f32>(at(shift, c)));
    }
  }
}

/**
 * MaxPoolGrad (NHWC, geometry by setGeometry): each window's dy goes to the first maximum of its
 * window (padded cells never count; NaN and −∞ never win), channels four at a time.
 */
export function maxPoolGradient(x: usize, dy: usize, dx: usize, n: i32): void {
  const c = gCi;
  memory.fill(dx, 0, <usize>(n * gH * gW * c) << 2);
  const vectorC = c & ~3;
  const lanes = i32x4(0, 1, 2, 3);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < gOh; i++) {
      windowRowsAt(i);
      for (let j = 0; j < gOw; j++) {
        windowColsAt(j);
        const g = at(dy, ((b * gOh + i) * gOw + j) * c);
        let ch = 0;
        for (; ch < vectorC; ch += 4) {
          let best = f32x4.splat(-Infinity);
          let index = i32x4.splat(-1);
          for (let r = gRowStart; r < gRowEnd; r++) {
            for (let k = gColStart; k < gColEnd; k++) {
              const base = ((b * gH + r) * gW + k) * c + ch;
              const v = v128.load(at(x, base));
              const wins = f32x4.gt(v, best);
              best = v128.bitselect(v, best, wins);
              index = v128.bitselect(i32x4.add(i32x4.splat(base), lanes), index, wins);
            }
          }
          const gv = v128.load(at(g, ch));
          const i0 = i32x4.extract_lane(index, 0), i1 = i32x4.extract_lane(index, 1), i2 = i32x4.extract_lane(index, 2), i3 = i32x4.extract_lane(index, 3);
          if (i0 >= 0) store<f32>(at(dx, i0), load<f32>(at(dx, i0)) + f32x4.extract_lane(gv, 0));
          if (i1 >= 0) store<f32>(at(dx, i1), load<f32>(at(dx, i1)) + f32x4.extract_lane(gv, 1));
          if (i2 >= 0) store<f32>(at(dx, i2), load<f32>(at(dx, i2)) + f32x4.extract_lane(gv, 2));
          if (i3 >= 0) store<f32>(at(dx, i3), load<f32>(at(dx, i3)) + f32x4.extract_lane(gv, 3));
        }
        for (; ch < c; ch++) {
          let best: f32 = -Infinity;
          let index = -1;
          for (let r = gRowStart; r < gRowEnd; r++) {
            for (let k = gColStart; k < gColEnd; k++) {
              const base = ((b * gH + r) * gW + k) * c + ch;
              const v = load<f32>(at(x, base));
              if (v > best) {
                best = v;
                index = base;
              }
            }
          }
          if (index >= 0) store<f32>(at(dx, index), load<f32>(at(dx, index)) + load<f32>(at(g, ch)));
        }
      }
    }
  }
}
