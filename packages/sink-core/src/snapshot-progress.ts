// What one batch partition has applied of the snapshots of its tables, kept in the offset
// commit metadata next to the batch plan (batch-plan.ts), so a process that starts in the
// middle of a snapshot (a restart, kill -9, a new owner) knows the snapshot is open and how
// far each partition got, although the snapshot-begin and chunk-done messages lie below the
// committed offsets and are never read again. Without it the restarted gate was closed and
// stream changes newer than the next chunk's read went through before that chunk, which then
// overwrote them.
//
// Per partition and table, the last snapshot seen: its id, when it began, the position of
// the last chunk-done applied on this partition, and whether snapshot-end was.
import type { SnapshotControl } from '@sync/change-message'

export interface SnapshotProgress {
  table: string
  snapshotId: string
  /** snapshot-begin's startedAt (orders two snapshots of one table); absent without a begin. */
  startedAt?: number | undefined
  /** Position of the last chunk-done (or snapshot-end) applied on this partition. */
  position?: string | undefined
  /** snapshot-end was applied on this partition. */
  ended?: boolean | undefined
}

/**
 * Most entries kept per partition: ended ones go first (an open snapshot is never dropped),
 * so a topic that carries many tables stays far below Kafka's 4 KiB metadata limit.
 */
export const maxProgressEntries = 16

/** The progress after `controls` (in offset order) were applied on top of `before`. */
export function advanceProgress(
  before: readonly SnapshotProgress[],
  controls: ReadonlyArray<{ table: string; control: SnapshotControl }>,
): SnapshotProgress[] {
  if (controls.length === 0) return [...before]
  const byTable = new Map(before.map((p) => [p.table, p]))
  for (const { table, control: c } of controls) {
    const cur = byTable.get(table)
    // a table's entry moves to the end: the most recently touched are kept longest
    byTable.delete(table)
    if (c.type === 'snapshot-begin') {
      byTable.set(
        table,
        cur?.snapshotId === c.snapshotId ? cur : { table, snapshotId: c.snapshotId, startedAt: c.startedAt },
      )
      continue
    }
    const base = cur?.snapshotId === c.snapshotId ? cur : { table, snapshotId: c.snapshotId }
    byTable.set(table, {
      ...base,
      position: c.position,
      ...(c.type === 'snapshot-end' ? { ended: true } : {}),
    })
  }
  const all = [...byTable.values()]
  while (all.length > maxProgressEntries) {
    const i = all.findIndex((p) => p.ended)
    if (i < 0) break
    all.splice(i, 1)
  }
  return all
}
