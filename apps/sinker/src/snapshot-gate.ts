// The snapshot/stream handoff rule of @sync/change-message (src/snapshot-control.ts), per
// target table: while a snapshot is open (snapshot-begin applied, snapshot-end not yet
// applied on every partition of its batch topic), a stream change at binlog position P
// waits while P is later than the position of the last chunk applied on EVERY partition
// of the batch topic (chunk-done is written to each partition after that chunk's rows).
// Held changes are replayed in order afterwards; each carries the full row, so the last
// one wins and the target converges to the source.
import {
  comparePositions,
  controlHeader,
  headerNames,
  parsePosition,
  type SnapshotControl,
  snapshotHeaders,
} from '@sync/change-message'

interface OpenSnapshot {
  snapshotId: string
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
}

export function createSnapshotGate(): SnapshotGate {
  const open = new Map<string, OpenSnapshot>()

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
      if (s.ended.size >= s.partitions) open.delete(table)
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
  }
}
