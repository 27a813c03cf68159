// What happens to a message when it arrives: into the partition's open batch (entryOf), or
// held, in order, while its table's batch topics are not caught up since it was fetched
// (catch-up.ts) or while the snapshot gate holds it (snapshot-gate.ts). Held messages are
// replayed through the same path when the catch-up or the gate moves; a long hold is
// reported with what it waits for.
import type { Batch, BatchEntry } from './batcher.ts'
import { type EntryContext, entryOf } from './message-entry.ts'
import { isStreamChange, type Worker } from './partition-worker.ts'
import type { SnapshotGate } from './snapshot-gate.ts'
import type { SinkLogger, SourceMessage } from './types.ts'

/** A partition holding stream changes for longer than this is reported (and again each period). */
export const longHoldMs = 30_000
/** Held bytes of a partition waiting for catch-up before it is paused. */
export const maxHeldUnpausedBytes = 16 * 1024 * 1024

export interface IngestOptions extends EntryContext {
  gate: SnapshotGate
  /** Whether `topic` was caught up after `ticket` (asks for its end offsets if not). */
  caughtUp: (topic: string, ticket: number) => boolean
  /** The batch topics of `table` other than `own`. */
  batchTopicsOf: (table: string, own: string) => string[]
  tableOf: (topic: string, headers: Record<string, string>) => string
  /** `topic` carried a stream change: it is nobody's batch topic. */
  onStreamTopic: (topic: string) => void
  /** The workers of the current generation. */
  current: () => Iterable<Worker>
  pause: (w: Worker) => void
  resume: (w: Worker) => void
  enqueue: (w: Worker, batch: Batch | undefined) => void
  logger: SinkLogger
  now: () => number
}

export function createIngest(o: IngestOptions) {
  const { gate, logger } = o

  function behindBatchTopics(table: string, topic: string, ticket: number): boolean {
    let behind = false
    for (const t of o.batchTopicsOf(table, topic)) if (!o.caughtUp(t, ticket)) behind = true
    return behind
  }

  function ingest(w: Worker, src: SourceMessage, ticket: number): void {
    const offset = BigInt(src.offset)
    const next = w.batcher.nextOffset
    if (next !== undefined && offset < next) return
    const table = o.tableOf(src.topic, src.headers)
    const stream = isStreamChange(src.headers)
    if (stream) o.onStreamTopic(src.topic)
    const held = w.held.length > 0
    const behind = !held && stream && !w.batcher.replaying && behindBatchTopics(table, src.topic, ticket)
    if (held || behind || (!w.batcher.replaying && gate.mustHold(table, src.headers))) {
      // the open batch stays open: it ends before the held message, the held messages join
      // it (or the next one) in order once released, and the interval or a threshold cuts it
      // as usual. Cutting here made every fetch a load (one catch-up wait per fetch).
      w.heldSince ??= o.now()
      w.held.push({ src, ticket })
      w.heldBytes += (src.value?.length ?? 0) + (src.key?.length ?? 0)
      // a catch-up wait is short (one end-offset request): the partition keeps fetching
      // into the held list, so one request covers many fetches; a snapshot wait (or a big
      // held list) pauses it
      if (!w.paused && (gate.isOpen(table) || w.heldBytes > maxHeldUnpausedBytes)) {
        w.paused = true
        o.pause(w)
        logger.info('holding stream changes behind an open snapshot', {
          topic: w.topic,
          partition: w.partition,
          table,
          held: w.held.length,
        })
      }
      return
    }
    if (next !== undefined && offset > next)
      logger.warn('offset gap (compaction, transaction markers or a stale fetch)', {
        topic: w.topic,
        partition: w.partition,
        expected: String(next),
        received: src.offset,
      })
    const entry: BatchEntry = entryOf(src, table, o)
    o.enqueue(w, w.batcher.add(offset, entry, o.now()))
  }

  /** Replays every held message (the catch-up or the gate moved); resumes emptied partitions. */
  function releaseHeld(): void {
    for (const w of o.current()) {
      if (w.held.length === 0) continue
      const held = w.held
      w.held = []
      w.heldBytes = 0
      for (const m of held) ingest(w, m.src, m.ticket)
      if (w.held.length === 0) {
        w.heldSince = undefined
        w.heldReportedAt = undefined
      }
      if (w.held.length === 0 && w.paused && !w.stopped) {
        w.paused = false
        o.resume(w)
        logger.debug('released held stream changes', {
          topic: w.topic,
          partition: w.partition,
          messages: held.length,
        })
      }
    }
  }

  /** A hold that lasts is reported with what it waits for: the snapshot gate or the batch topics. */
  function reportLongHold(w: Worker, t: number): void {
    if (w.held.length === 0 || w.heldSince === undefined || t - w.heldSince < longHoldMs) return
    if (w.heldReportedAt !== undefined && t - w.heldReportedAt < longHoldMs) return
    w.heldReportedAt = t
    const first = w.held[0]!.src
    const table = o.tableOf(first.topic, first.headers)
    logger.warn('stream changes held for a long time', {
      topic: w.topic,
      partition: w.partition,
      table,
      held: w.held.length,
      heldMs: t - w.heldSince,
      firstOffset: first.offset,
      waitingFor: gate.isOpen(table) ? 'an open snapshot' : 'the batch topics to be caught up',
      snapshotReleasedUpTo: gate.released(table),
      batchTopics: o.batchTopicsOf(table, w.topic),
    })
  }

  return { ingest, releaseHeld, reportLongHold }
}
