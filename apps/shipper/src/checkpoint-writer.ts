// Writes a source's safe positions to its checkpoint store: at most once per interval
// while positions advance, one write at a time, and a final write on demand (shutdown).
// A failed write is logged and retried with the next position; the previous file stays.

import type { BinlogPosition } from '@sync/binlog-reader'
import type { CheckpointStore } from './checkpoint-store.ts'
import type { Log, Metrics } from './shipper-metrics.ts'

export interface CheckpointWriter {
  /** A position everything before which Kafka has acknowledged. */
  advance(position: BinlogPosition): void
  /** Writes the latest safe position now (if not written yet) and waits for it. */
  flush(): Promise<void>
  last(): { position: BinlogPosition; savedAt: number } | undefined
  close(): void
}

export interface CheckpointWriterOptions {
  store: CheckpointStore
  intervalMs: number
  sourceId: string
  log: Log
  metrics: Metrics
  now(): number
}

export function createCheckpointWriter(o: CheckpointWriterOptions): CheckpointWriter {
  let safe: BinlogPosition | undefined
  let written: { position: BinlogPosition; savedAt: number } | undefined
  let writing: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastAttemptAt = Number.NEGATIVE_INFINITY
  let closed = false
  const labels = { source: o.sourceId }

  const write = async (): Promise<void> => {
    const position = safe
    if (!position || position === written?.position) return
    lastAttemptAt = o.now()
    const savedAt = o.now()
    try {
      await o.store.save({
        file: position.file,
        pos: position.pos,
        ...(position.gtid !== undefined ? { gtid: position.gtid } : {}),
        savedAt,
      })
      written = { position, savedAt }
      o.metrics.gauge('shipper_checkpoint_pos', position.pos, labels)
      const seq = Number(/\.(\d+)$/.exec(position.file)?.[1] ?? Number.NaN)
      if (Number.isFinite(seq)) o.metrics.gauge('shipper_checkpoint_file_seq', seq, labels)
      o.metrics.gauge('shipper_checkpoint_saved_seconds', Math.floor(savedAt / 1000), labels)
    } catch (err) {
      o.metrics.increment('shipper_errors', 1, { ...labels, code: 'SHIP_CHECKPOINT' })
      o.log.error('checkpoint write failed; the previous checkpoint stays', { error: err })
    }
  }

  const run = () => {
    timer = undefined
    if (writing) return
    writing = write().finally(() => {
      writing = undefined
      if (safe !== written?.position) schedule()
    })
  }

  const schedule = () => {
    if (timer || writing || closed) return
    const wait = Math.max(0, lastAttemptAt + o.intervalMs - o.now())
    timer = setTimeout(run, wait)
    timer.unref?.()
  }

  return {
    advance(position) {
      safe = position
      schedule()
    },
    async flush() {
      while (writing) await writing
      if (timer) clearTimeout(timer)
      run()
      while (writing) await writing
      if (timer) clearTimeout(timer)
      timer = undefined
    },
    last: () => written,
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      timer = undefined
    },
  }
}
