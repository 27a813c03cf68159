// The snapshot/stream handoff rule of @sync/change-message (src/snapshot-control.ts), per
// target table: while a snapshot is open (snapshot-begin applied, snapshot-end not yet
// applied on every partition of its batch topic), a stream change at binlog position P
// waits while P is later than the position of the last chunk applied on EVERY partition
// of the batch topic (chunk-done is written to each partition after that chunk's rows).
// Held changes are replayed in order afterwards; each carries the full row, so the last
// one wins and the target converges to the source.
//
// A process that starts in the middle of a snapshot (a restart, a rebalance) sees only the
// control messages after the committed offsets: partitions whose snapshot-end a previous
// owner applied never end here. Once snapshot-end was applied on one partition, every chunk
// is in Kafka; the sinker closes the snapshot when the batch topic is applied up to end
// offsets fetched after that (endedInPart → catch-up → close). And the begin and chunk-done
// messages below the committed offsets are never read again: each batch partition's commit
// metadata carries its progress (snapshot-progress.ts), which `restore` merges in before any
// stream change of the table is let through (the sinker restores while catching up).

import {
  comparePositions,
  controlHeader,
  headerNames,
  parsePosition,
  type SnapshotControl,
  snapshotHeaders,
} from '@sync/change-message'
import type { SnapshotProgress } from './snapshot-progress.ts'

interface OpenSnapshot {
  snapshotId: string
  /** snapshot-begin's startedAt, when known (orders two snapshots of one table). */
  startedAt?: number | undefined
  batchTopic: string
  partitions: number
  /** partition → position of its last applied chunk-done */
  chunkPos: Map<number, string>
  ended: Set<number>
}

export interface SnapshotGate {
  /** A control message was applied (its batch loaded and committed). True when the gate moved. */
  applied(
    table: string,
    topic: string,
    partition: number,
    partitions: number,
    control: SnapshotControl,
  ): boolean
  /** Whether a message of `table` must wait for the snapshot. */
  mustHold(table: string, headers: Readonly<Record<string, string>>): boolean
  /** The position stream changes of `table` may reach, or undefined (no chunk applied yet). */
  released(table: string): string | undefined
  isOpen(table: string): boolean
  /**
   * The snapshot of `table` if it is still open although snapshot-end was applied on some
   * partition: a process that started in the middle of it never sees the control messages
   * a previous owner applied, so it cannot count every partition's end itself.
   */
  endedInPart(table: string): { snapshotId: string; batchTopic: string } | undefined
  /** Closes the snapshot `snapshotId` of `table` (its batch topic was applied past every end). */
  close(table: string, snapshotId: string): boolean
  /**
   * Merges what partition `partition` of batch topic `topic` had applied of a snapshot, as
   * read from its commit metadata: opens the snapshot when this process did not know it,
   * moves that partition's chunk position forward, counts its end. Never moves anything
   * back, and never re-opens a snapshot closed here or one older than the open one. True
   * when the gate changed.
   */
  restore(
    table: string,
    topic: string,
    partition: number,
    partitions: number,
    progress: SnapshotProgress,
  ): boolean
}

/** Closed snapshot ids remembered per table (stale metadata must not re-open them). */
const closedKept = 16

export function createSnapshotGate(): SnapshotGate {
  const open = new Map<string, OpenSnapshot>()
  const closed = new Map<string, string[]>()

  function closeOpen(table: string) {
    const s = open.get(table)
    if (!s) return
    open.delete(table)
    const ids = [...(closed.get(table) ?? []), s.snapshotId].slice(-closedKept)
    closed.set(table, ids)
  }

  const after = (a: string | undefined, b: string | undefined) => {
    if (a === undefined) return false
    if (b === undefined) return true
    const pa = parsePosition(a)
    const pb = parsePosition(b)
    return pa !== undefined && pb !== undefined && comparePositions(pa, pb) > 0
  }

  function released(table: string): string | undefined {
    const s = open.get(table)
    if (!s || s.chunkPos.size < s.partitions) return undefined
    let min: string | undefined
    for (const p of s.chunkPos.values()) {
      const a = parsePosition(p)
      const b = min === undefined ? undefined : parsePosition(min)
      if (!a) return undefined
      if (!b || comparePositions(a, b) < 0) min = p
    }
    return min
  }

  return {
    applied(table, topic, partition, partitions, control) {
      let s = open.get(table)
      if (control.type === 'snapshot-begin') {
        if (s?.snapshotId === control.snapshotId) return false
        open.set(table, {
          snapshotId: control.snapshotId,
          startedAt: control.startedAt,
          batchTopic: topic,
          partitions,
          chunkPos: new Map(),
          ended: new Set(),
        })
        return true
      }
      if (!s || s.snapshotId !== control.snapshotId) {
        // a chunk of a snapshot whose begin this process did not see: open it now (held
        // changes wait for the chunks of the other partitions too)
        if (control.type === 'snapshot-end') return false
        s = {
          snapshotId: control.snapshotId,
          batchTopic: topic,
          partitions,
          chunkPos: new Map(),
          ended: new Set(),
        }
        open.set(table, s)
      }
      if (control.type === 'chunk-done') {
        s.chunkPos.set(partition, control.position)
        return true
      }
      s.chunkPos.set(partition, control.position)
      s.ended.add(partition)
      if (s.ended.size >= s.partitions) closeOpen(table)
      return true
    },
    mustHold(table, headers) {
      if (!open.has(table)) return false
      if (headers[controlHeader] !== undefined || headers[snapshotHeaders.id] !== undefined) return false
      const file = headers[headerNames.binlogFile]
      const pos = headers[headerNames.binlogPos]
      const p = file !== undefined && pos !== undefined ? parsePosition(`${file}:${pos}`) : undefined
      if (!p) return false
      const r = released(table)
      if (r === undefined) return true
      try {
        return comparePositions(p, parsePosition(r)!) > 0
      } catch {
        return true
      }
    },
    released,
    isOpen: (table) => open.has(table),
    endedInPart(table) {
      const s = open.get(table)
      return s && s.ended.size > 0 ? { snapshotId: s.snapshotId, batchTopic: s.batchTopic } : undefined
    },
    close(table, snapshotId) {
      if (open.get(table)?.snapshotId !== snapshotId) return false
      closeOpen(table)
      return true
    },
    restore(table, topic, partition, partitions, p) {
      if (closed.get(table)?.includes(p.snapshotId)) return false
      let s = open.get(table)
      if (s?.snapshotId !== p.snapshotId) {
        // an end alone opens nothing (as when applied); another open snapshot is replaced
        // only by one that began later
        if (p.ended) return false
        if (s && !(p.startedAt !== undefined && s.startedAt !== undefined && p.startedAt > s.startedAt))
          return false
        s = {
          snapshotId: p.snapshotId,
          startedAt: p.startedAt,
          batchTopic: topic,
          partitions,
          chunkPos: new Map(),
          ended: new Set(),
        }
        open.set(table, s)
        if (p.position !== undefined) s.chunkPos.set(partition, p.position)
        return true
      }
      let moved = false
      s.startedAt ??= p.startedAt
      if (after(p.position, s.chunkPos.get(partition))) {
        s.chunkPos.set(partition, p.position!)
        moved = true
      }
      if (p.ended && !s.ended.has(partition)) {
        s.ended.add(partition)
        moved = true
        if (s.ended.size >= s.partitions) closeOpen(table)
      }
      return moved
    },
  }
}
