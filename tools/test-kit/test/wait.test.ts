import { describe, expect, it } from 'vitest'
import { waitFor } from '../src/wait.ts'

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0
    const value = await waitFor(() => (++calls >= 3 ? { rows: 3 } : undefined), { intervalMs: 1 })
    expect(value).toEqual({ rows: 3 })
    expect(calls).toBe(3)
  })

  it('accepts 0 and empty strings as values (only undefined and false mean "not yet")', async () => {
    expect(await waitFor(() => 0, { timeoutMs: 50 })).toBe(0)
    expect(await waitFor(() => '', { timeoutMs: 50 })).toBe('')
  })

  it('fails after the timeout naming what it waited for and the last value seen', async () => {
    let n = 0
    const started = Date.now()
    await expect(
      waitFor(
        () => {
          n += 1
          return false
        },
        { timeoutMs: 120, intervalMs: 10, what: 'all 1000 rows in the target' },
      ),
    ).rejects.toThrow('timed out after 120 ms waiting for all 1000 rows in the target; last value: false')
    expect(Date.now() - started).toBeGreaterThanOrEqual(120)
    expect(n).toBeGreaterThan(1)
  })

  it('fails with the last error the probe threw', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('ECONNREFUSED 127.0.0.1:1')
        },
        { timeoutMs: 50, intervalMs: 10, what: 'the sinker to answer' },
      ),
    ).rejects.toThrow(/waiting for the sinker to answer; last error: ECONNREFUSED 127\.0\.0\.1:1/)
  })

  it('says "a condition" when not told what it waits for', async () => {
    await expect(waitFor(() => undefined, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      /waiting for a condition; last value: undefined/,
    )
  })
})
