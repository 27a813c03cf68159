import type { SnapshotControl } from '@sync/change-message'
import { describe, expect, it } from 'vitest'
import { createSnapshotGate } from '../src/snapshot-gate.ts'

const at = (pos: number, file = 'mysql-bin.000002') => ({
  'sync-binlog-file': file,
  'sync-binlog-pos': String(pos),
})
const begin: SnapshotControl = {
  type: 'snapshot-begin',
  snapshotId: 's1',
  target: 'orders',
  tables: ['orders'],
  startedAt: 0,
}
const chunk = (n: number, pos: string) =>
  ({
    type: 'chunk-done',
    snapshotId: 's1',
    target: 'orders',
    table: 'orders',
    chunk: n,
    position: pos,
    rows: 10,
  }) as const
const end = {
  type: 'snapshot-end',
  snapshotId: 's1',
  target: 'orders',
  counts: {},
  position: 'mysql-bin.000002:900',
} as const

describe('the snapshot gate', () => {
  it('lets everything through when no snapshot is open', () => {
    expect(createSnapshotGate().mustHold('orders', at(5))).toBe(false)
  })

  it('holds stream changes past the last chunk applied on every partition of the batch topic', () => {
    const g = createSnapshotGate()
    g.applied('orders', 'batch', 0, 2, begin)
    expect(g.mustHold('orders', at(1))).toBe(true) // no chunk yet
    expect(g.mustHold('other', at(1))).toBe(false)
    g.applied('orders', 'batch', 0, 2, chunk(1, 'mysql-bin.000002:500'))
    expect(g.mustHold('orders', at(100))).toBe(true) // partition 1 has not applied chunk 1
    g.applied('orders', 'batch', 1, 2, chunk(1, 'mysql-bin.000002:500'))
    expect(g.mustHold('orders', at(500))).toBe(false)
    expect(g.mustHold('orders', at(501))).toBe(true)
    expect(g.mustHold('orders', at(4, 'mysql-bin.000003'))).toBe(true)
    // snapshot rows and control messages themselves are never held
    expect(g.mustHold('orders', { ...at(999), 'sync-snapshot-id': 's1' })).toBe(false)
    g.applied('orders', 'batch', 0, 2, end)
    expect(g.isOpen('orders')).toBe(true)
    g.applied('orders', 'batch', 1, 2, end)
    expect(g.isOpen('orders')).toBe(false)
    expect(g.mustHold('orders', at(4, 'mysql-bin.000003'))).toBe(false)
  })
})

describe('a snapshot partly ended before this process started', () => {
  // Root cause of a gate open for good: a previous owner applied snapshot-end on some
  // partitions, so this process never counts them; it reports the partial end instead,
  // and the sinker closes the snapshot once the batch topic is caught up.
  it('reports an end seen on some partitions only, and closes by snapshot id', () => {
    const g = createSnapshotGate()
    g.applied('orders', 'b', 0, 2, chunk(3, 'mysql-bin.000002:500'))
    expect(g.endedInPart('orders')).toBeUndefined()
    g.applied('orders', 'b', 0, 2, end)
    expect(g.isOpen('orders')).toBe(true)
    expect(g.mustHold('orders', at(1000))).toBe(true)
    expect(g.endedInPart('orders')).toEqual({ snapshotId: 's1', batchTopic: 'b' })
    expect(g.close('orders', 'another')).toBe(false)
    expect(g.isOpen('orders')).toBe(true)
    expect(g.close('orders', 's1')).toBe(true)
    expect(g.mustHold('orders', at(1000))).toBe(false)
  })
})

describe('restoring the gate from committed progress', () => {
  // Root cause of a stale row after kill -9 mid-snapshot: the begin and chunk-done messages
  // were below the committed offsets, so the restarted gate was closed and let through
  // changes newer than the next chunk, which then overwrote them.
  const progress = (over: Record<string, unknown> = {}) => ({
    table: 'orders',
    snapshotId: 's1',
    startedAt: 100,
    position: 'mysql-bin.000002:500',
    ...over,
  })

  it('re-opens the snapshot and holds changes past the lowest restored chunk', () => {
    const g = createSnapshotGate()
    expect(g.restore('orders', 'b', 0, 2, progress())).toBe(true)
    expect(g.isOpen('orders')).toBe(true)
    expect(g.mustHold('orders', at(100))).toBe(true) // partition 1 unknown yet
    expect(g.restore('orders', 'b', 1, 2, progress({ position: 'mysql-bin.000002:700' }))).toBe(true)
    expect(g.released('orders')).toBe('mysql-bin.000002:500')
    expect(g.mustHold('orders', at(500))).toBe(false)
    expect(g.mustHold('orders', at(501))).toBe(true)
    // stale metadata never moves a position back; a chunk applied later moves it on
    expect(g.restore('orders', 'b', 1, 2, progress({ position: 'mysql-bin.000002:600' }))).toBe(false)
    g.applied('orders', 'b', 0, 2, chunk(2, 'mysql-bin.000002:800'))
    expect(g.released('orders')).toBe('mysql-bin.000002:700')
  })

  it('counts restored ends, and never re-opens a closed snapshot or an older one', () => {
    const g = createSnapshotGate()
    g.restore('orders', 'b', 0, 2, progress())
    // an end alone opens nothing; for the open snapshot it counts
    expect(g.restore('other', 'b', 0, 2, progress({ table: 'other', ended: true }))).toBe(false)
    expect(g.isOpen('other')).toBe(false)
    g.restore('orders', 'b', 1, 2, progress({ position: 'mysql-bin.000002:900', ended: true }))
    expect(g.endedInPart('orders')).toEqual({ snapshotId: 's1', batchTopic: 'b' })
    g.applied('orders', 'b', 0, 2, end)
    expect(g.isOpen('orders')).toBe(false)
    // metadata fetched before the end was committed must not re-open it
    expect(g.restore('orders', 'b', 0, 2, progress())).toBe(false)
    expect(g.isOpen('orders')).toBe(false)

    // a later snapshot replaces an open one; an earlier one does not
    g.restore('orders', 'b', 0, 2, progress({ snapshotId: 's2', startedAt: 200 }))
    expect(g.restore('orders', 'b', 0, 2, progress({ snapshotId: 's0', startedAt: 50 }))).toBe(false)
    expect(g.restore('orders', 'b', 0, 2, progress({ snapshotId: 's3', startedAt: 300 }))).toBe(true)
    expect(g.endedInPart('orders')).toBeUndefined()
    expect(g.released('orders')).toBeUndefined()
  })
})
