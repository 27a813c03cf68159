import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../src/backoff.ts'

const retry = { maxAttempts: 9, initialDelayMs: 100, maxDelayMs: 500, multiplier: 3 }
const fixed = (r: number) => () => r

describe('backoffDelay', () => {
  it('grows by the multiplier and stops at maxDelayMs (lowest jitter: half the nominal delay)', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => backoffDelay(retry, attempt, fixed(0)))
    // nominal 100, 300, min(500, 900), min(500, 2700), min(500, 8100)
    expect(delays).toEqual([50, 150, 250, 250, 250])
  })

  it('spreads the delay over [nominal/2, nominal) with the random draw', () => {
    expect(backoffDelay(retry, 2, fixed(0.5))).toBe(225)
    expect(backoffDelay(retry, 2, fixed(0.25))).toBe(187.5)
    const top = backoffDelay(retry, 4, fixed(0.999999))
    expect(top).toBeLessThan(500)
    expect(top).toBeGreaterThan(499.99)
  })

  it('is 0 when initialDelayMs is 0', () => {
    expect(backoffDelay({ ...retry, initialDelayMs: 0 }, 3, fixed(0.7))).toBe(0)
  })
})
