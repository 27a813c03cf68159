import { describe, expect, it } from 'vitest'
import { type BatchEntry, createBatcher } from '../src/batcher.ts'
import type { BufferedRow } from '../src/types.ts'

const origin = (offset: number) => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: null,
  headers: {},
})
const row = (offset: number, table = 'orders'): BatchEntry => ({
  kind: 'row',
  row: {
    table,
    op: 'upsert',
    row: { id: offset },
    rowJson: `{"id":${offset},"__op":0}`,
    bytes: 10,
    origin: origin(offset),
  } as BufferedRow,
})
const base = { topic: 't', partition: 0, labelPrefix: 'p', rows: 3, bytes: 1_000_000, intervalMs: 1000 }

describe('the partition batcher', () => {
  it('cuts contiguous ranges at the row threshold, starting at the committed offset', () => {
    const b = createBatcher({ ...base, committed: 5n, plan: undefined })
    expect(b.add(7n, row(7), 0)).toBeUndefined()
    expect(b.add(8n, row(8), 0)).toBeUndefined()
    const first = b.add(9n, row(9), 0)!
    expect([first.first, first.last, first.rows]).toEqual([5n, 9n, 3])
    expect(b.nextOffset).toBe(10n)
    b.add(10n, row(10), 0)
    expect(b.cutIfDue(500)).toBeUndefined()
    const second = b.cutIfDue(1000)!
    expect([second.first, second.last]).toEqual([10n, 10n])
  })

  it('re-forms exactly the planned batch and its label, whatever the thresholds say', () => {
    const b = createBatcher({ ...base, committed: 0n, plan: { last: '4', label: 'planned-label' } })
    for (let i = 0n; i < 4n; i++) expect(b.add(i, row(Number(i)), 0)).toBeUndefined()
    expect(b.cutIfDue(10_000)).toBeUndefined()
    expect(b.cutNow()).toBeUndefined()
    const batch = b.add(4n, row(4), 0)!
    expect(batch.label).toBe('planned-label')
    expect(batch.planned).toBe(true)
    expect([batch.first, batch.last, batch.rows]).toEqual([0n, 4n, 5])
    expect(b.replaying).toBe(false)
  })

  it('groups rows per table and keeps dead letters and control messages in the range', () => {
    const b = createBatcher({ ...base, rows: 100, committed: undefined, plan: undefined })
    b.add(0n, row(0, 'a'), 0)
    b.add(1n, { kind: 'dead', dead: { origin: origin(1), code: 'CM_DECRYPT', message: 'x' }, bytes: 5 }, 0)
    b.add(2n, row(2, 'b'), 0)
    const batch = b.add(
      3n,
      {
        kind: 'control',
        table: 'a',
        control: { type: 'snapshot-begin', snapshotId: 's', target: 'a', tables: [], startedAt: 0 },
        bytes: 5,
      },
      0,
    )!
    expect([...batch.groups.keys()]).toEqual(['a', 'b'])
    expect(batch.dead).toHaveLength(1)
    expect(batch.controls).toHaveLength(1)
    expect([batch.first, batch.last]).toEqual([0n, 3n])
    expect(batch.label).toBe('p-t-0-0-3')
  })

  it('says when the open batch is due and which tables it holds', () => {
    const b = createBatcher({
      topic: 't',
      partition: 0,
      committed: 0n,
      plan: undefined,
      labelPrefix: 'p',
      rows: 100,
      bytes: 1_000_000,
      intervalMs: 1000,
    })
    expect(b.isDue(5000)).toBe(false)
    expect(b.openTables).toEqual([])
    const row = (table: string, offset: number) => ({
      kind: 'row' as const,
      row: {
        table,
        op: 'upsert' as const,
        row: {},
        rowJson: '{}',
        bytes: 2,
        origin: { topic: 't', partition: 0, offset: String(offset), key: null, value: null, headers: {} },
      },
    })
    b.add(0n, row('a', 0), 100)
    b.add(1n, row('b', 1), 900)
    b.add(2n, row('a', 2), 1000)
    expect(b.openTables).toEqual(['a', 'b'])
    expect(b.isDue(1099)).toBe(false)
    expect(b.isDue(1100)).toBe(true)
  })
})
