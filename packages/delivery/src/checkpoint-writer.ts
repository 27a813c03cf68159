// Writes a source's safe positions to its checkpoint store: at most once per interval
// while positions advance, one write at a time, and a final write on demand (shutdown).
// A failed write is reported (onError) and retried with the next position; the previous
// checkpoint stays. The writer only ever sees positions the caller calls safe: it is the
// caller's delivery loop that guarantees Kafka acknowledged everything before them.

import type { BinlogPosition } from '@sync/binlog-reader'
import type { CheckpointStore } from './checkpoint-store.ts'

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
  /** At most one write per interval while positions advance (0: write each one). */
  intervalMs: number
  now(): number
  /** After each successful write (metrics: position, time). */
  onSaved?(position: BinlogPosition, savedAt: number): void
  /** A write failed; the previous checkpoint stays and the next position is tried later. */
  onError?(error: unknown): void
}

export function createCheckpointWriter(o: CheckpointWriterOptions): CheckpointWriter {
  let safe: BinlogPosition | undefined
  let written: { position: BinlogPosition; savedAt: number } | undefined
  let writing: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastAttemptAt = Number.NEGATIVE_INFINITY
  let closed = false

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
    } catch (err) {
      o.onError?.(err)
      return
    }
    o.onSaved?.(position, savedAt)
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
