// An order-independent checksum of the rows of a table: the sum, modulo 2^64, of the first
// 8 bytes (big-endian) of SHA-1 over each row's canonical JSON (the seed plaintext without
// "__op"). Anyone holding the rows in any order (the sinker after reading the batch topic,
// ops-cli from the target) computes the same value with the same few lines.

import { createHash } from 'node:crypto'

const mask = (1n << 64n) - 1n

export function rowDigest(rowJson: string): bigint {
  return createHash('sha1').update(rowJson).digest().readBigUInt64BE(0)
}

export function createRowChecksum(initial?: string) {
  let sum = initial === undefined ? 0n : BigInt(`0x${initial}`)
  return {
    add(rowJson: string): void {
      sum = (sum + rowDigest(rowJson)) & mask
    },
    /** 16 hex digits. */
    value(): string {
      return sum.toString(16).padStart(16, '0')
    },
  }
}

/** Combines per-table checksums into one (for a logical target). */
export function combineChecksums(values: readonly string[]): string {
  let sum = 0n
  for (const v of values) sum = (sum + BigInt(`0x${v}`)) & mask
  return sum.toString(16).padStart(16, '0')
}
