import { randomFillSync } from 'node:crypto'

/**
 * Random nonces drawn from a refilled pool: one randomFillSync call per 256 nonces instead
 * of one per message. Each slice is handed out once, then the pool is refilled, so no two
 * messages share a nonce unless the CSPRNG repeats (2^-128 for 16 bytes; GCM's limit for
 * random nonces, about 2^32 messages per key, is documented in the README).
 */
export interface NoncePool {
  /** The next nonce, valid until the next call (callers copy or use it at once). */
  next(): Buffer
}

export function createNoncePool(size: number, perFill = 256): NoncePool {
  const pool = Buffer.allocUnsafeSlow(size * perFill)
  let offset = pool.length
  return {
    next() {
      if (offset === pool.length) {
        randomFillSync(pool)
        offset = 0
      }
      const nonce = pool.subarray(offset, offset + size)
      offset += size
      return nonce
    },
  }
}
