import type { CipherGCM } from 'node:crypto'
import { encodeHexInto } from './simd-hex.js'

/**
 * Plaintext is encrypted this many bytes at a time, and each piece of ciphertext is
 * hex-encoded into its place in the message at once. The ciphertext never exists whole: a
 * 1 MiB row would otherwise allocate 1 MiB of fresh memory only to read it once, and the
 * piece stays in cache between the cipher and the encoder.
 */
export const ENCRYPT_CHUNK = 64 * 1024

/**
 * Feeds `plaintext` through `gcm` and writes the lower-case hex of the ciphertext into `out`
 * at `offset`; returns the offset after it (offset + 2 × plaintext.length). The caller then
 * calls final() and appends the tag.
 */
export function encryptHexInto(gcm: CipherGCM, plaintext: Uint8Array, out: Buffer, offset: number): number {
  let at = offset
  for (let i = 0; i < plaintext.length; i += ENCRYPT_CHUNK) {
    const piece = gcm.update(plaintext.subarray(i, Math.min(plaintext.length, i + ENCRYPT_CHUNK)))
    encodeHexInto(piece, out, at)
    at += 2 * piece.length
  }
  return at
}
