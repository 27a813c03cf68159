import { createCipheriv, randomFillSync } from 'node:crypto'
import { endianness } from 'node:os'
import type { ParsedKey } from './keys.js'

/**
 * AES-GCM sealing of short rows without a Node cipher object per row.
 *
 * Node's createCipheriv + update + final + getAuthTag costs about 5 µs for a 200-byte row,
 * and most of it is the cost of making the cipher object, not of AES. GCM is CTR mode plus
 * GHASH (NIST SP 800-38D), so it can be put together from two cheap parts:
 *
 * - AES itself stays Node's (OpenSSL, AES-NI): one AES-ECB object per key encrypts, in one
 *   update() call, the counter blocks of the next 256 nonces at once. That gives each nonce
 *   its E(K, J0) (which masks the tag) and the keystream E(K, inc32^i(J0)) for its bytes.
 * - GHASH runs here, in JavaScript, with 16 tables of 256 products of the hash key H
 *   (64 KiB per key): one multiplication by H is 16 lookups and XORs.
 *
 * The output is standard AES-GCM with a 128-bit tag (the tests compare it byte for byte
 * with Node's for the same nonce, and open it with Node's decipher). Rows longer than the
 * keystream prepared per nonce make a new set of nonces be prepared, sized for them; rows
 * longer than MAX_TABLE_BYTES are left to the caller (Node's GCM). The keystream of a nonce
 * is zeroed once used, and the unused rest of a set when the next is made.
 *
 * Side channel: the table lookups depend on H and the data, so a process sharing the CPU
 * cache could in principle learn about H by timing (which would let it forge tags, not
 * read rows). OpenSSL's own GHASH uses carry-less multiplication instead. The option
 * `fastSeal: false` keeps every seal on Node's GCM.
 */

/** The longest row sealed here; longer ones go to Node's GCM. */
export const MAX_TABLE_BYTES = 1024
const MAX_BLOCKS = MAX_TABLE_BYTES / 16
/** Nonces prepared per refill. */
const PER_FILL = 256

export interface TableGcm {
  /**
   * Seals `plaintext` (at most MAX_TABLE_BYTES of UTF-8) under the next prepared nonce and
   * returns [nonce hex, ciphertext + tag hex], or undefined when the row is longer than the
   * keystream prepared for it: the caller seals it another way.
   */
  seal(plaintext: string | Uint8Array, aad: Uint8Array | undefined): [string, string] | undefined
}

export interface TableGcmOptions {
  /** Fills the next nonces (tests give fixed ones); default crypto.randomFillSync. */
  fillNonces?: (nonces: Buffer) => void
}

/** undefined where the words below do not apply (a big-endian machine). */
export function createTableGcm(
  key: ParsedKey,
  nonceBytes: 12 | 16,
  options: TableGcmOptions = {},
): TableGcm | undefined {
  if (endianness() !== 'LE') return undefined
  const fillNonces = options.fillNonces ?? ((b: Buffer) => randomFillSync(b))
  const ecb = createCipheriv(key.algorithm.replace('-gcm', '-ecb'), key.key, null)
  ecb.setAutoPadding(false)
  const zero = Buffer.alloc(16)
  const T = hashTables(ecb.update(zero))

  // GHASH state: the 16 bytes as four little-endian 32-bit words (byte 4j in the low bits of sj)
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  /**
   * state = state · H: 16 table lookups, one per byte of the state. Written out by hand: a
   * loop over the bytes (reading the words from an array) made a 170-byte seal about 30%
   * slower in the measurements that chose this form.
   */
  function mulH(): void {
    let o = 0
    let z0 = 0
    let z1 = 0
    let z2 = 0
    let z3 = 0
    let w = s0
    o = (w & 255) << 2
    z0 = T[o] as number
    z1 = T[o + 1] as number
    z2 = T[o + 2] as number
    z3 = T[o + 3] as number
    o = (256 + ((w >>> 8) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (512 + ((w >>> 16) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (768 + (w >>> 24)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    w = s1
    o = (1024 + (w & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (1280 + ((w >>> 8) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (1536 + ((w >>> 16) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (1792 + (w >>> 24)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    w = s2
    o = (2048 + (w & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (2304 + ((w >>> 8) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (2560 + ((w >>> 16) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (2816 + (w >>> 24)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    w = s3
    o = (3072 + (w & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (3328 + ((w >>> 8) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (3584 + ((w >>> 16) & 255)) << 2
    z0 ^= T[o] as number
    z1 ^= T[o + 1] as number
    z2 ^= T[o + 2] as number
    z3 ^= T[o + 3] as number
    o = (3840 + (w >>> 24)) << 2
    s0 = z0 ^ (T[o] as number)
    s1 = z1 ^ (T[o + 1] as number)
    s2 = z2 ^ (T[o + 2] as number)
    s3 = z3 ^ (T[o + 3] as number)
  }

  /** Absorbs whole blocks from 32-bit words (words.length a multiple of 4 from `at`). */
  function absorbWords(words: Int32Array, at: number, blocks: number): void {
    for (let i = at, end = at + 4 * blocks; i < end; i += 4) {
      s0 ^= words[i] as number
      s1 ^= words[i + 1] as number
      s2 ^= words[i + 2] as number
      s3 ^= words[i + 3] as number
      mulH()
    }
  }

  // a block-aligned scratch for bytes that are not in one: the AAD, and a nonce of 16 bytes
  const pad = Buffer.allocUnsafeSlow(MAX_TABLE_BYTES + 16)
  const pad32 = new Int32Array(pad.buffer, pad.byteOffset, pad.length >> 2)
  function absorbBytes(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += MAX_TABLE_BYTES) {
      const n = Math.min(MAX_TABLE_BYTES, bytes.length - at)
      const blocks = (n + 15) >> 4
      pad.set(bytes.subarray(at, at + n))
      pad.fill(0, n, blocks << 4)
      absorbWords(pad32, 0, blocks)
    }
  }

  // the prepared nonces and, per nonce, E(K, J0) followed by `blocks` blocks of keystream
  const nonces = Buffer.allocUnsafeSlow(nonceBytes * PER_FILL)
  let blocks = 8
  let stride = 0
  let counters = new Int32Array(0)
  let keystream = new Int32Array(0)
  let next = PER_FILL
  let longest = 0

  function refill(): void {
    blocks = Math.min(MAX_BLOCKS, Math.max(1, (longest + 15) >> 4))
    longest = 0
    stride = (blocks + 1) * 4
    if (counters.length !== stride * PER_FILL) counters = new Int32Array(stride * PER_FILL)
    fillNonces(nonces)
    const n32 = new Int32Array(nonces.buffer, nonces.byteOffset, nonces.length >> 2)
    for (let n = 0; n < PER_FILL; n++) {
      let j0: number
      let j1: number
      let j2: number
      let j3: number
      if (nonceBytes === 12) {
        // J0 = nonce || 0x00000001
        j0 = n32[3 * n] as number
        j1 = n32[3 * n + 1] as number
        j2 = n32[3 * n + 2] as number
        j3 = 0x01000000
      } else {
        // J0 = GHASH(nonce || [0]64 || [128]64)
        s0 = s1 = s2 = s3 = 0
        absorbWords(n32, 4 * n, 1)
        s3 ^= 0x80000000 | 0 // the bit length 128, big-endian in bytes 8..15
        mulH()
        j0 = s0
        j1 = s1
        j2 = s2
        j3 = s3
      }
      const c = bswap(j3)
      for (let b = 0, o = n * stride; b <= blocks; b++, o += 4) {
        counters[o] = j0
        counters[o + 1] = j1
        counters[o + 2] = j2
        counters[o + 3] = bswap((c + b) | 0) // inc32: the last 32 bits, big-endian, mod 2^32
      }
    }
    keystream.fill(0)
    const out = ecb.update(new Uint8Array(counters.buffer, 0, counters.length * 4))
    keystream =
      out.byteOffset % 4 === 0
        ? new Int32Array(out.buffer, out.byteOffset, out.length >> 2)
        : new Int32Array(new Uint8Array(out).buffer)
    counters.fill(0)
    next = 0
  }

  // the plaintext, then (in place) the ciphertext and the tag
  const work = Buffer.allocUnsafeSlow(3 * MAX_TABLE_BYTES + 32)
  const work32 = new Int32Array(work.buffer, work.byteOffset, work.length >> 2)

  return {
    seal(plaintext, aad) {
      if (plaintext.length > MAX_TABLE_BYTES) return undefined
      // 3 bytes of room per UTF-16 unit: the string always fits, then its length is checked
      const length = typeof plaintext === 'string' ? work.write(plaintext, 0, 'utf8') : plaintext.length
      if (length > longest) longest = length
      if (next === PER_FILL || length > blocks << 4) {
        if (length > MAX_TABLE_BYTES) {
          if (typeof plaintext === 'string') work.fill(0, 0, length)
          return undefined
        }
        // a row longer than the prepared keystream: prepare afresh, sized for it
        refill()
      }
      if (typeof plaintext !== 'string') work.set(plaintext)
      const n = next++
      const full = (length + 15) >> 4
      work.fill(0, length, full << 4)
      const k = n * stride
      for (let i = 0, end = full << 2; i < end; i++)
        work32[i] = (work32[i] as number) ^ (keystream[k + 4 + i] as number)
      work.fill(0, length, full << 4)
      s0 = s1 = s2 = s3 = 0
      const aadLength = aad === undefined ? 0 : aad.length
      if (aadLength > 0) absorbBytes(aad as Uint8Array)
      absorbWords(work32, 0, full)
      // [len(A)]64 || [len(C)]64 in bits, big-endian (rows and AAD far below 2^29 bytes)
      s1 ^= bswap(aadLength * 8)
      s3 ^= bswap(length * 8)
      mulH()
      work.writeInt32LE(s0 ^ (keystream[k] as number), length)
      work.writeInt32LE(s1 ^ (keystream[k + 1] as number), length + 4)
      work.writeInt32LE(s2 ^ (keystream[k + 2] as number), length + 8)
      work.writeInt32LE(s3 ^ (keystream[k + 3] as number), length + 12)
      keystream.fill(0, k, k + 4 + (full << 2))
      return [
        nonces.toString('hex', n * nonceBytes, (n + 1) * nonceBytes),
        work.toString('hex', 0, length + 16),
      ]
    },
  }
}

function bswap(x: number): number {
  return ((x & 255) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)
}

/**
 * T[(p·256 + b)·4 …+3]: the product with H of the block whose byte p is b and every other
 * byte 0, as four little-endian words. GHASH is linear, so X·H is the XOR over p of the
 * entries for X's bytes. Built from H·x^i, i = 0..127 (SP 800-38D Algorithm 1: a right
 * shift, and R = 11100001 || 0^120 when the bit shifted out is 1); bit i is the bit
 * 0x80 >> (i mod 8) of byte ⌊i/8⌋.
 */
function hashTables(h: Buffer): Int32Array {
  const R = 0xe1n << 120n
  let v = 0n
  for (const byte of h) v = (v << 8n) | BigInt(byte)
  const powers: bigint[] = []
  for (let i = 0; i < 128; i++) {
    powers.push(v)
    v = (v & 1n) === 1n ? (v >> 1n) ^ R : v >> 1n
  }
  const T = new Int32Array(16 * 256 * 4)
  for (let p = 0; p < 16; p++) {
    for (let bit = 0; bit < 8; bit++) {
      // byte value 1 << bit is bit 8p + 7 - bit of the block
      const words = toWords(powers[8 * p + 7 - bit] as bigint)
      const b = 1 << bit
      const o = (p * 256 + b) * 4
      for (let j = 0; j < 4; j++) T[o + j] = words[j] as number
    }
    for (let b = 3; b < 256; b++) {
      const low = b & -b
      if (low === b) continue
      const o = (p * 256 + b) * 4
      const a = (p * 256 + low) * 4
      const c = (p * 256 + (b ^ low)) * 4
      for (let j = 0; j < 4; j++) T[o + j] = (T[a + j] as number) ^ (T[c + j] as number)
    }
  }
  return T
}

/** A block as a 128-bit number (byte 0 most significant) → four little-endian words. */
function toWords(x: bigint): number[] {
  const words: number[] = []
  for (let j = 0; j < 4; j++) {
    let w = 0
    for (let k = 0; k < 4; k++) {
      const byte = Number((x >> BigInt(8 * (15 - (4 * j + k)))) & 0xffn)
      w |= byte << (8 * k)
    }
    words.push(w | 0)
  }
  return words
}
