import type { SnapshotControl } from '@sync/change-message'
import { describe, expect, it } from 'vitest'
import { advanceProgress, maxProgressEntries } from '../src/snapshot-progress.ts'

const snap = (id: string) => ({ snapshotId: id, target: 'orders' })
const begin = (id: string, startedAt: number): SnapshotControl => ({
  type: 'snapshot-begin',
  ...snap(id),
  tables: ['orders'],
  startedAt,
})
const chunk = (id: string, position: string): SnapshotControl => ({
  type: 'chunk-done',
  ...snap(id),
  table: 'orders',
  chunk: 1,
  position,
  rows: 10,
})
const end = (id: string, position: string): SnapshotControl => ({
  type: 'snapshot-end',
  ...snap(id),
  counts: {},
  position,
})
const on = (control: SnapshotControl, table = 'orders') => ({ table, control })

describe('snapshot progress of a partition', () => {
  it('follows begin, chunks and end; a new snapshot replaces the old one', () => {
    let p = advanceProgress([], [on(begin('s1', 100)), on(chunk('s1', 'f.1:10'))])
    expect(p).toEqual([{ table: 'orders', snapshotId: 's1', startedAt: 100, position: 'f.1:10' }])
    // a batch without control messages changes nothing
    expect(advanceProgress(p, [])).toEqual(p)
    p = advanceProgress(p, [on(chunk('s1', 'f.1:20')), on(end('s1', 'f.1:20'))])
    expect(p).toEqual([
      { table: 'orders', snapshotId: 's1', startedAt: 100, position: 'f.1:20', ended: true },
    ])
    p = advanceProgress(p, [on(begin('s2', 200))])
    expect(p).toEqual([{ table: 'orders', snapshotId: 's2', startedAt: 200 }])
    // a chunk of a snapshot whose begin came before the committed offset of an older format
    expect(advanceProgress([], [on(chunk('s3', 'f.1:5'))])).toEqual([
      { table: 'orders', snapshotId: 's3', position: 'f.1:5' },
    ])
  })

  it('keeps at most a few entries, dropping ended snapshots first and never an open one', () => {
    const ended = Array.from({ length: maxProgressEntries }, (_, i) => ({
      table: `t${i}`,
      snapshotId: 's',
      position: 'f.1:1',
      ended: true as const,
    }))
    const p = advanceProgress(ended, [on(begin('s9', 9), 'fresh')])
    expect(p).toHaveLength(maxProgressEntries)
    expect(p[0]!.table).toBe('t1')
    expect(p.at(-1)).toEqual({ table: 'fresh', snapshotId: 's9', startedAt: 9 })
    const open = ended.map((e) => ({ ...e, ended: undefined }))
    expect(advanceProgress(open, [on(begin('s9', 9), 'fresh')])).toHaveLength(maxProgressEntries + 1)
  })
})
