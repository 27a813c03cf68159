import { describe, expect, it } from 'vitest'
import { createNoncePool } from '../src/nonce.ts'

describe('createNoncePool', () => {
  it('hands out distinct nonces of the asked size across refills', () => {
    const pool = createNoncePool(12, 8)
    const seen = new Set<string>()
    for (let i = 0; i < 100; i++) {
      const nonce = pool.next()
      expect(nonce.length).toBe(12)
      seen.add(nonce.toString('hex'))
    }
    expect(seen.size).toBe(100)
  })
})
