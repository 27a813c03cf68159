import { describe, expect, it } from 'vitest'
import { cpuPerCall, plaintextsLike } from '../src/cpu-cost.ts'

describe('plaintextsLike', () => {
  it('gives plaintexts as long as the sealed rows (ciphertext hex minus the 16-byte tag)', () => {
    const value = (rowBytes: number) =>
      JSON.stringify({ nonce: 'ab'.repeat(16), ciphertext: 'c'.repeat(2 * (rowBytes + 16)) })
    const out = plaintextsLike([value(250), value(12), value(3)])
    expect(out.map((p) => Buffer.byteLength(p))).toEqual([250, 12, 10])
    expect(() => JSON.parse(out[0]!)).not.toThrow()
  })
})

describe('cpuPerCall', () => {
  it('measures more CPU per call for more work', () => {
    const spin = (n: number) => {
      let x = 0
      for (let i = 0; i < n; i++) x = (x + i * 7) % 1_000_003
      return x
    }
    const items = Array.from({ length: 50 }, (_, i) => i)
    const small = cpuPerCall(items, () => spin(1_000))
    const large = cpuPerCall(items, () => spin(100_000))
    expect(small).toBeGreaterThanOrEqual(0)
    expect(large).toBeGreaterThan(small)
    expect(() => cpuPerCall([], () => 0)).toThrow(/no items/)
  })
})
