import { describe, expect, it } from 'vitest'
import { rateAndEta } from '../src/progress.ts'

describe('rateAndEta', () => {
  it('derives rows/s from this run and the ETA from the rows left', () => {
    expect(rateAndEta(1000, 2000, 1500, 3500)).toEqual({ rowsPerSecond: 500, etaSeconds: 4 })
  })
  it('has no ETA before any row or time', () => {
    expect(rateAndEta(0, 0, 0, 100)).toEqual({ rowsPerSecond: 0, etaSeconds: undefined })
  })
  it('never reports a negative ETA when the estimate was low', () => {
    expect(rateAndEta(100, 1000, 200, 50).etaSeconds).toBe(0)
  })
})
