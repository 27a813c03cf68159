import { describe, expect, it } from 'vitest'
import type { StopReason } from '../src/batch-flusher.ts'
import { sinkerHealth } from '../src/sinker-health.ts'

const stop: StopReason = {
  code: 'SL_AUTH',
  table: 'orders',
  label: 'l',
  first: 42n,
  message: 'Access denied for user loader',
  since: 0,
  error: new Error('x'),
}

describe('sinker health', () => {
  it('is ok while nothing fails', () => {
    expect(
      sinkerHealth({ crashed: undefined, workers: [{ key: 't|0' }], stopped: new Map(), now: 100 }),
    ).toEqual({
      ok: true,
      checks: { consumer: { ok: true }, loads: { ok: true } },
    })
  })

  it('turns not ok at once on a stopped partition, after a minute of retriable failures, on a crash', () => {
    const h = sinkerHealth({
      crashed: undefined,
      workers: [
        { key: 't|0', failingSince: 0 },
        { key: 't|1', failingSince: 50_000 },
      ],
      stopped: new Map([['t|2', stop]]),
      now: 60_001,
    })
    expect(h.ok).toBe(false)
    expect(h.checks.loads!.detail).toBe(
      'loading stopped on a non-retriable error: SL_AUTH orders on t-2 from offset 42: Access denied for user loader; loads failing for over a minute: t|0',
    )
    const crashed = sinkerHealth({
      crashed: new Error('broker gone'),
      workers: [],
      stopped: new Map(),
      now: 0,
    })
    expect(crashed.ok).toBe(false)
    expect(crashed.checks.consumer).toEqual({ ok: false, detail: 'crashed: broker gone' })
  })
})
