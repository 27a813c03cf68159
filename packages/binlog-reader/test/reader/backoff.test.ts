import { describe, expect, it } from 'vitest'
import { reconnectDelay } from '../../src/reader/backoff.ts'

const defaults = { initialDelayMs: 250, maxDelayMs: 30_000, maxAttempts: 20 }

describe('reconnectDelay', () => {
  it('doubles from initialDelayMs per attempt, between half and all of the nominal delay', () => {
    const low = [1, 2, 3, 4, 5].map((a) => reconnectDelay(defaults, a, () => 0))
    const high = [1, 2, 3, 4, 5].map((a) => reconnectDelay(defaults, a, () => 1))
    expect(low).toEqual([125, 250, 500, 1000, 2000])
    expect(high).toEqual([250, 500, 1000, 2000, 4000])
    expect(reconnectDelay(defaults, 3, () => 0.5)).toBe(750)
  })
  it('caps the nominal delay at maxDelayMs, also for attempts far past the cap', () => {
    // 250 * 2^7 = 32,000 > 30,000
    expect(reconnectDelay(defaults, 8, () => 1)).toBe(30_000)
    expect(reconnectDelay(defaults, 8, () => 0)).toBe(15_000)
    expect(reconnectDelay(defaults, 2000, () => 1)).toBe(30_000)
  })
  it('is zero when initialDelayMs is zero, and spreads readers with the default random source', () => {
    expect(reconnectDelay({ ...defaults, initialDelayMs: 0 }, 5)).toBe(0)
    const spread = new Set(Array.from({ length: 20 }, () => reconnectDelay(defaults, 4)))
    expect(spread.size).toBeGreaterThan(1)
    for (const d of spread) {
      expect(d).toBeGreaterThanOrEqual(1000)
      expect(d).toBeLessThanOrEqual(2000)
    }
  })
})
