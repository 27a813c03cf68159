import { describe, expect, it } from 'vitest'
import { budgetCuts, bufferedBytes } from '../src/memory-budget.ts'

const w = (name: string, open: number, queued = 0, held = 0, stopped = false) => ({
  name,
  batcher: { bytes: open, hasOpen: open > 0 },
  queuedBytes: queued,
  heldBytes: held,
  stopped: stopped ? { code: 'SINK_SCHEMA' } : undefined,
})
const names = (ws: Array<{ name: string }>) => ws.map((x) => x.name)

describe('the memory budget', () => {
  it('counts open, queued and held bytes', () => {
    expect(bufferedBytes([w('a', 10, 5, 1) as never, w('b', 3) as never])).toBe(19)
  })

  it('cuts the biggest open batches until the cut covers the excess', () => {
    // 120 buffered, 40 over budget: the biggest (50) covers it
    const r = budgetCuts([w('a', 30), w('b', 50), w('c', 40), w('d', 0)] as never[], 80)
    expect(r.over).toBe(true)
    expect(names(r.cut as never)).toEqual(['b'])
    // 100 over: 50 + 40 leave 10, so the third biggest goes too
    expect(names(budgetCuts([w('a', 30), w('b', 50), w('c', 40)] as never[], 20).cut as never)).toEqual([
      'b',
      'c',
      'a',
    ])
    expect(budgetCuts([w('a', 30), w('b', 30)] as never[], 60)).toEqual({ over: false, cut: [] })
  })

  it('counts batches on their way out against the excess, and leaves held and stopped buffers out', () => {
    // 120 buffered, 20 over, but 30 are already cut and loading: nothing more to cut
    expect(names(budgetCuts([w('a', 60, 30), w('b', 30)] as never[], 100).cut as never)).toEqual([])
    // held bytes wait for other partitions; a stopped partition's buffers stay until a restart
    expect(budgetCuts([w('a', 50, 0, 500), w('s', 500, 100, 0, true)] as never[], 100)).toEqual({
      over: false,
      cut: [],
    })
  })
})
