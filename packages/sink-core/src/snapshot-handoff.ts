// The sinker's side of the snapshot gate (snapshot-gate.ts): feeding it the control messages
// of applied batches and the snapshot progress read back from commit metadata
// (snapshot-progress.ts), and closing snapshots whose end this process saw on some
// partitions only (a previous owner applied the others) once the batch topic is applied up
// to end offsets fetched after that end (catch-up.ts).
import type { SnapshotControl } from '@sync/change-message'
import type { SnapshotGate } from './snapshot-gate.ts'
import type { SnapshotProgress } from './snapshot-progress.ts'
import type { SinkLogger } from './types.ts'

export interface HandoffOptions {
  gate: SnapshotGate
  /** A catch-up ticket (catch-up.ts): taken now, it orders after everything applied so far. */
  ticket: () => number
  /** Whether `topic` was caught up after `ticket` was taken (asks for its end offsets if not). */
  caughtUp: (topic: string, ticket: number) => boolean
  /** The gate moved: held stream changes may go on. */
  onMoved: () => void
  logger: SinkLogger
}

export function createHandoff(o: HandoffOptions) {
  const { gate, logger } = o
  /** Snapshots ended on some partitions only, closed once their batch topic is caught up. */
  const endTickets = new Map<string, { snapshotId: string; batchTopic: string; ticket: number }>()
  /** Snapshots already reported as restored (one log line each). */
  const restoredLogged = new Set<string>()

  function watchPartialEnd(table: string) {
    if (endTickets.has(table)) return
    const part = gate.endedInPart(table)
    if (part) endTickets.set(table, { ...part, ticket: o.ticket() })
  }

  function closeEnded() {
    let moved = false
    for (const [table, e] of endTickets) {
      if (!o.caughtUp(e.batchTopic, e.ticket)) continue
      endTickets.delete(table)
      if (!gate.close(table, e.snapshotId)) continue
      moved = true
      logger.info('snapshot closed: its batch topic is applied past snapshot-end on every partition', {
        table,
        snapshotId: e.snapshotId,
        topic: e.batchTopic,
      })
    }
    if (moved) o.onMoved()
  }

  return {
    /** The control messages of a batch of `topic`-`partition` were applied (committed). */
    applied(
      topic: string,
      partition: number,
      partitions: number,
      controls: ReadonlyArray<{ table: string; control: SnapshotControl }>,
    ): void {
      let moved = false
      for (const { table, control } of controls)
        moved = gate.applied(table, topic, partition, partitions, control) || moved
      for (const { table, control } of controls) if (control.type === 'snapshot-end') watchPartialEnd(table)
      if (moved) o.onMoved()
    },

    /**
     * Merges the committed snapshot progress of batch partitions into the gate; open entries
     * first, so that an end committed on one partition counts for the snapshot another opens.
     */
    restore(
      topic: string,
      partitions: number,
      entries: ReadonlyArray<{ partition: number; progress: SnapshotProgress }>,
    ): void {
      let moved = false
      const ordered = [
        ...entries.filter((e) => !e.progress.ended),
        ...entries.filter((e) => e.progress.ended),
      ]
      for (const { partition, progress: p } of ordered) {
        if (!gate.restore(p.table, topic, partition, partitions, p)) continue
        moved = true
        const key = `${p.table}|${p.snapshotId}`
        if (gate.isOpen(p.table) && !restoredLogged.has(key)) {
          restoredLogged.add(key)
          logger.info(
            'snapshot state restored from the committed offsets: stream changes of the table wait for it',
            {
              table: p.table,
              snapshotId: p.snapshotId,
              topic,
              partition,
              position: p.position,
              releasedUpTo: gate.released(p.table),
            },
          )
        }
        // an end a previous owner applied on some partitions: closed once caught up
        watchPartialEnd(p.table)
      }
      if (moved) o.onMoved()
    },

    /** Closes the partly ended snapshots whose batch topic is caught up. */
    closeEnded,
  }
}

export type Handoff = ReturnType<typeof createHandoff>
