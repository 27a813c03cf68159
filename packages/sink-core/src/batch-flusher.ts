// Flushing one batch of one partition (batches of a partition flush one after another):
//   1. plan: commit offset `first` with metadata {last, label, snapshot progress}  (skipped
//      for a re-formed plan)
//   2. dead letters of unreadable messages → dead-letter topic
//   3. per table: wait for the table's minimum interval, load under the label; refused rows
//      (isolated by bisection) → dead-letter topic
//   4. commit offset last+1 (metadata: the snapshot progress after the batch, if any), then
//      apply the batch's snapshot control messages
// A failed step is retried with backoff from where it stopped, as long as the partition is
// still ours; after a rebalance the batch is abandoned and its plan re-formed by the owner.
// A load that failed with `retriable: false` (an unknown table, bad credentials, no primary
// key for a MySQL delete) or any programmer error is not retried: the batch stays
// uncommitted, the partition is reported stopped (onStopped) and loads nothing more, so
// nothing is dropped and nothing later is committed past it.
import type { SnapshotControl } from '@sync/change-message'
import type { Producer } from 'kafkajs'
import { encodeCommitMetadata } from './batch-plan.ts'
import type { Batch } from './batcher.ts'
import { deadLetterMessage } from './dead-letters.ts'
import { isProgrammerError, isRetriable, rootCode, SinkError } from './errors.ts'
import { tableLabel } from './label.ts'
import type { SinkMetrics } from './metrics.ts'
import { advanceProgress, type SnapshotProgress } from './snapshot-progress.ts'
import type { DeadLetter, LoadOutcome, LoadTarget, SinkLogger } from './types.ts'

export interface FlushWorker {
  topic: string
  partition: number
  failingSince?: number | undefined
  /** Set when a non-retriable error stopped the partition: its batches are not flushed. */
  stopped?: StopReason | undefined
  /**
   * The partition's snapshot progress as of its last completed batch (read back from the
   * commit metadata at start); written into every commit's metadata.
   */
  progress?: SnapshotProgress[] | undefined
}

/** Why a partition stopped loading. */
export interface StopReason {
  /** The root error's code (SINK_SCHEMA, SL_AUTH, TypeError, …). */
  code: string
  /** The table whose load failed, when it was a load. */
  table?: string | undefined
  label: string
  /** The first offset of the batch left uncommitted. */
  first: bigint
  message: string
  since: number
  error: unknown
}

export interface BatchFlusherOptions<W extends FlushWorker> {
  target: LoadTarget
  producer: Producer
  deadLetterTopic: string
  minTableIntervalMs: number
  logger: SinkLogger
  metrics: SinkMetrics
  /** Wall clock (ms): dead-letter times, load spacing, when a partition started failing. */
  now: () => number
  isCurrent: (w: W) => boolean
  /** Commits `offset` with `metadata`: the plan (`done` false) or the completion (`done` true). */
  commit: (w: W, offset: bigint, metadata: string | null, done: boolean) => Promise<void>
  /** The batch is committed: `next` is the partition's next offset, `controls` its control messages. */
  onApplied: (w: W, next: bigint, controls: Array<{ table: string; control: SnapshotControl }>) => void
  /** A non-retriable error stopped the partition (`w.stopped` is set); called once. */
  onStopped: (w: W, reason: StopReason) => void
  sleep?: (ms: number) => Promise<void>
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export function createBatchFlusher<W extends FlushWorker>(o: BatchFlusherOptions<W>) {
  const sleep = o.sleep ?? wait
  const lastLoadAt = new Map<string, number>()
  const { metrics, logger } = o

  async function sendDead(dead: readonly DeadLetter[]) {
    if (dead.length === 0) return
    const t = o.now()
    await o.producer.send({
      topic: o.deadLetterTopic,
      acks: -1,
      messages: dead.map((d) => deadLetterMessage(d, t)),
    })
    for (const d of dead) metrics.deadLetters.inc({ code: d.code })
    logger.warn('sent to the dead-letter topic', {
      count: dead.length,
      first: {
        topic: dead[0]!.origin.topic,
        partition: dead[0]!.origin.partition,
        offset: dead[0]!.origin.offset,
        code: dead[0]!.code,
      },
    })
  }

  /**
   * Waits for the table's next load slot. The slot is taken before waiting, so the batches of
   * several partitions that load one table at the same moment queue up one interval apart
   * instead of all waking together.
   */
  async function spaceLoads(table: string) {
    if (o.minTableIntervalMs <= 0) return
    const now = o.now()
    const last = lastLoadAt.get(table)
    const at = last === undefined ? now : Math.max(now, last + o.minTableIntervalMs)
    lastLoadAt.set(table, at)
    if (at > now) await sleep(at - now)
  }

  async function flushOnce(w: W, batch: Batch, done: Set<string>) {
    if (!done.has('plan') && !batch.planned && batch.groups.size > 0) {
      await o.commit(
        w,
        batch.first,
        encodeCommitMetadata({ last: String(batch.last), label: batch.label }, w.progress ?? []),
        false,
      )
    }
    done.add('plan')
    if (!done.has('dead')) await sendDead(batch.dead)
    done.add('dead')
    const tables = [...batch.groups.keys()]
    await Promise.all(
      tables.map(async (table) => {
        if (done.has(`t:${table}`)) return
        const rows = batch.groups.get(table)!
        await spaceLoads(table)
        if (!o.isCurrent(w))
          throw new SinkError('SINK_REVOKED', `partition ${w.topic}-${w.partition} was revoked`, {
            label: batch.label,
          })
        const started = performance.now()
        const label = tableLabel(batch.label, table, tables.length)
        let outcome: LoadOutcome
        try {
          outcome = await o.target.load(table, label, rows)
        } catch (err) {
          throw new SinkError(
            'SINK_LOAD_FAILED',
            `loading ${rows.length} rows into ${table} under label ${label} failed: ${(err as Error).message}`,
            { cause: err, retriable: isRetriable(err), table, label },
          )
        }
        metrics.loadSeconds.observe({ table }, (performance.now() - started) / 1000)
        metrics.loads.inc({ table })
        metrics.rowsLoaded.inc({ table }, outcome.loadedRows)
        metrics.bytesLoaded.inc({ table }, outcome.loadedBytes)
        if (outcome.rejected.length > 0) {
          metrics.splits.inc({ table })
          await sendDead(outcome.rejected)
        }
        done.add(`t:${table}`)
      }),
    )
    if (!o.isCurrent(w))
      throw new SinkError('SINK_REVOKED', `partition ${w.topic}-${w.partition} was revoked`, {
        label: batch.label,
      })
    const progress = advanceProgress(w.progress ?? [], batch.controls)
    await o.commit(w, batch.last + 1n, encodeCommitMetadata(undefined, progress), true)
    w.progress = progress
    o.onApplied(w, batch.last + 1n, batch.controls)
  }

  return {
    /** When the next load of `table` may start (its last slot plus the minimum interval). */
    nextLoadAt(table: string): number {
      const last = lastLoadAt.get(table)
      return last === undefined || o.minTableIntervalMs <= 0
        ? Number.NEGATIVE_INFINITY
        : last + o.minTableIntervalMs
    },
    async flush(w: W, batch: Batch): Promise<void> {
      const done = new Set<string>()
      for (let attempt = 1; ; attempt++) {
        if (!o.isCurrent(w)) {
          metrics.abandoned.inc({ reason: 'revoked' })
          return
        }
        // a batch behind a stopped one is never loaded: committing it would skip the other
        if (w.stopped) {
          metrics.abandoned.inc({ reason: 'stopped' })
          return
        }
        try {
          await flushOnce(w, batch, done)
          w.failingSince = undefined
          return
        } catch (err) {
          if ((err as { code?: string }).code === 'SINK_REVOKED' || !o.isCurrent(w)) {
            metrics.abandoned.inc({ reason: 'revoked' })
            logger.info('batch abandoned: the partition is no longer ours', {
              topic: w.topic,
              partition: w.partition,
              label: batch.label,
              // what ended it: a revocation, or e.g. a plan the group did not store
              reason: (err as { code?: string }).code ?? (err as Error).message,
            })
            return
          }
          const fatal =
            isProgrammerError(err) ||
            ((err as { code?: string }).code === 'SINK_LOAD_FAILED' && !(err as SinkError).retriable)
          if (fatal) {
            const cause = (err as { code?: string }).code === 'SINK_LOAD_FAILED' ? (err as Error).cause : err
            w.stopped = {
              code: rootCode(err),
              table: (err as { table?: string }).table,
              label: batch.label,
              first: batch.first,
              message: String((cause as Error)?.message ?? cause).slice(0, 500),
              since: o.now(),
              error: err,
            }
            o.onStopped(w, w.stopped)
            return
          }
          w.failingSince ??= o.now()
          metrics.retries.inc({ topic: w.topic })
          const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt - 1, 7))
          logger.warn('batch flush failed, retrying', {
            topic: w.topic,
            partition: w.partition,
            label: batch.label,
            attempt,
            delayMs: delay,
            error: err,
          })
          await sleep(delay)
        }
      }
    },
  }
}
