/**
 * Hex for long fields, through a small WebAssembly module with 128-bit SIMD (src/hex.wat,
 * compiled into src/hex-wasm.ts). Node 20's own hex codec runs at 0.3-1 GB/s here, below
 * AES-GCM itself; this one runs at several GB/s, so a 64 KiB row costs little more than its
 * encryption. Only ciphertext ever passes through the module's memory, never plaintext or
 * key material.
 *
 * Views returned into the module's memory stay valid until the next call of this module.
 */
import { HEX_WASM_BASE64 } from './hex-wasm.js'

// the WebAssembly API, as far as used here (the workspace compiles without the DOM types)
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface Wasm {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly

interface HexExports {
  memory: WasmMemory
  encode(src: number, n: number, dst: number): void
  decode(src: number, n: number, dst: number): number
}

/** Fields shorter than this (in bytes) use Node's codec: below it a call costs more than it saves. */
export const SIMD_FROM_BYTES = 2048

const SCRATCH = 128 // bytes 0-127 hold the digit table and the decoder's constants

let exports: HexExports | undefined
let heap: Buffer = Buffer.alloc(0)

function module(): HexExports {
  if (exports === undefined) {
    const instance = new wasm.Instance(new wasm.Module(Buffer.from(HEX_WASM_BASE64, 'base64')))
    exports = instance.exports as unknown as HexExports
    heap = Buffer.from(exports.memory.buffer)
  }
  return exports
}

/** Makes room for `bytes` bytes after the digit table; returns the (possibly new) heap view. */
function reserve(bytes: number): Buffer {
  const m = module()
  const need = SCRATCH + bytes
  if (heap.length < need) {
    m.memory.grow(Math.ceil((need - heap.length) / 65536))
    heap = Buffer.from(m.memory.buffer)
  }
  return heap
}

/** Writes the lower-case hex of `src` into `dst` at `offset` (2 × src.length bytes). */
export function encodeHexInto(src: Uint8Array, dst: Uint8Array, offset: number): void {
  const n = src.length
  const h = reserve(3 * n)
  h.set(src, SCRATCH)
  module().encode(SCRATCH, n, SCRATCH + n)
  dst.set(h.subarray(SCRATCH + n, SCRATCH + 3 * n), offset)
}

/**
 * Hex digits copied into the module's memory at a time. A long field is staged and decoded
 * piece by piece, so the copy lands in cache rather than in a second field-sized region.
 */
export const DECODE_CHUNK = 64 * 1024

/**
 * Decodes hex text (a string, or its bytes) into a view of the module's memory, or returns
 * undefined when the text holds anything but hex digits. The length must be even.
 */
export function decodeHexView(text: string | Uint8Array): Uint8Array | undefined {
  const n = text.length
  const stage = Math.min(n, DECODE_CHUNK)
  const h = reserve(stage + n / 2)
  const out = SCRATCH + stage
  for (let i = 0; i < n; i += DECODE_CHUNK) {
    const end = Math.min(n, i + DECODE_CHUNK)
    if (typeof text === 'string') {
      // UTF-8 of anything but ASCII is bytes >= 0x80, never a hex digit: a short write or a
      // written byte the decoder rejects both mean "not hex", so one pass copies and checks
      if (h.write(text.slice(i, end), SCRATCH, end - i, 'utf8') !== end - i) return undefined
    } else h.set(text.subarray(i, end), SCRATCH)
    if (module().decode(SCRATCH, end - i, out + i / 2) !== 0) return undefined
  }
  return new Uint8Array(h.buffer, h.byteOffset + out, n / 2)
}
