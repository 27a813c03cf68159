import { describe, expect, it } from 'vitest'
import { type CatchUpOptions, createCatchUp } from '../src/catch-up.ts'

/** A batch topic of two partitions whose end offsets and applied offsets the test moves. */
function setup(over: Partial<CatchUpOptions> = {}) {
  const ends = new Map([
    [0, 10n],
    [1, 5n],
  ])
  const applied = new Map<number, bigint>()
  const committed = new Map<number, bigint>()
  let requests = 0
  let release: (() => void) | undefined
  let caughtUpCalls = 0
  const c = createCatchUp({
    fetchEnds: async () => {
      requests += 1
      // the answer is the state when the request is sent; the test decides when it arrives
      const snapshot = [...ends].map(([partition, high]) => ({ partition, high, low: 0n }))
      await new Promise<void>((r) => {
        release = r
      })
      return snapshot
    },
    fetchCommitted: async () => new Map(committed),
    applied: (_t, p) => applied.get(p),
    assigned: () => true,
    fromBeginning: true,
    onCaughtUp: () => {
      caughtUpCalls += 1
    },
    onError: () => {},
    ...over,
  })
  const answer = async () => {
    release?.()
    release = undefined
    await new Promise((r) => setTimeout(r, 0))
  }
  return {
    c,
    ends,
    applied,
    committed,
    answer,
    requests: () => requests,
    caughtUpCalls: () => caughtUpCalls,
  }
}

describe('catching up with a batch topic', () => {
  it('lets a ticket through once every partition is applied up to end offsets fetched after it', async () => {
    const s = setup()
    const t = s.c.ticket()
    expect(s.c.caughtUp('b', t)).toBe(false)
    expect(s.requests()).toBe(1)
    await s.answer()
    expect(s.c.caughtUp('b', t)).toBe(false) // nothing applied yet
    s.applied.set(0, 10n)
    s.c.check()
    expect(s.c.caughtUp('b', t)).toBe(false) // partition 1 is still at nothing
    s.applied.set(1, 5n)
    s.c.check()
    expect(s.caughtUpCalls()).toBe(1)
    expect(s.c.caughtUp('b', t)).toBe(true)
    // a batch fetched later needs end offsets fetched later still
    expect(s.c.caughtUp('b', s.c.ticket())).toBe(false)
  })

  it('does not count end offsets asked for before the batch was fetched', async () => {
    const s = setup()
    const first = s.c.ticket()
    s.c.caughtUp('b', first) // request 1 is on its way
    const second = s.c.ticket() // a batch fetched while it is
    expect(s.c.caughtUp('b', second)).toBe(false)
    expect(s.requests()).toBe(1) // one request at a time
    s.ends.set(0, 12n) // the snapshot wrote more before request 2 goes out
    s.applied.set(0, 10n)
    s.applied.set(1, 5n)
    await s.answer() // request 1 answered: reached, but it predates `second`
    expect(s.c.caughtUp('b', first)).toBe(true)
    expect(s.c.caughtUp('b', second)).toBe(false)
    expect(s.requests()).toBe(2) // asked again for `second`
    await s.answer()
    expect(s.c.caughtUp('b', second)).toBe(false) // request 2 saw offset 12 on partition 0
    s.applied.set(0, 12n)
    s.c.check()
    expect(s.c.caughtUp('b', second)).toBe(true)
  })

  it('takes partitions it has not read from the committed offsets, and skips unassigned ones', async () => {
    const s = setup({ assigned: (_t, p) => p === 0 })
    s.committed.set(0, 10n)
    const t = s.c.ticket()
    s.c.caughtUp('b', t)
    await s.answer()
    expect(s.c.caughtUp('b', t)).toBe(true)
  })

  it('without a committed offset, counts what a group starting at the end skips as done', async () => {
    const fromEnd = setup({ fromBeginning: false })
    const t = fromEnd.c.ticket()
    fromEnd.c.caughtUp('b', t)
    await fromEnd.answer()
    expect(fromEnd.c.caughtUp('b', t)).toBe(true)
    const fromStart = setup()
    const u = fromStart.c.ticket()
    fromStart.c.caughtUp('b', u)
    await fromStart.answer()
    expect(fromStart.c.caughtUp('b', u)).toBe(false)
  })

  it('starts over after a rebalance', async () => {
    const s = setup()
    s.applied.set(0, 10n)
    s.applied.set(1, 5n)
    const t = s.c.ticket()
    s.c.caughtUp('b', t)
    await s.answer()
    expect(s.c.caughtUp('b', t)).toBe(true)
    s.c.reset()
    expect(s.c.caughtUp('b', t)).toBe(false)
  })
})

describe('an end-offset request that never answers', () => {
  // Root cause of stream changes held for good: a request in flight blocked every later
  // one, so a request lost with its connection (no answer, no error) kept the topic's
  // stream changes waiting forever. Each request is now bounded and asked again.
  it('is given up after requestTimeoutMs and asked again, so held changes go on', async () => {
    let requests = 0
    const errors: unknown[] = []
    let caughtUpCalls = 0
    const c = createCatchUp({
      fetchEnds: async () => {
        requests += 1
        // the first request is lost: it never settles
        if (requests === 1) return new Promise<never>(() => {})
        return [{ partition: 0, high: 3n, low: 0n }]
      },
      fetchCommitted: async () => new Map(),
      applied: () => 3n,
      assigned: () => true,
      fromBeginning: true,
      onCaughtUp: () => {
        caughtUpCalls += 1
      },
      onError: (_t, err) => errors.push(err),
      requestTimeoutMs: 30,
    })
    const t = c.ticket()
    expect(c.caughtUp('b', t)).toBe(false)
    expect(requests).toBe(1)
    // before the bound, no second request: one request covers many fetches
    c.tick()
    expect(requests).toBe(1)
    await new Promise((r) => setTimeout(r, 60))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'SINK_CATCH_UP_TIMEOUT', retriable: true })
    // the ticket is still wanted: the retry answers and lets it through
    c.tick()
    expect(requests).toBe(2)
    await new Promise((r) => setTimeout(r, 0))
    expect(caughtUpCalls).toBe(1)
    expect(c.caughtUp('b', t)).toBe(true)
  })
})
