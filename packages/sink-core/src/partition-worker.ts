// The state the sinker keeps per consumed partition (one per generation): its batcher, the
// stream changes it holds, its flush chain and where its offsets stand.
import { controlHeader, headerNames, readHeaders, snapshotHeaders } from '@sync/change-message'
import type { KafkaMessage } from 'kafkajs'
import type { StopReason } from './batch-flusher.ts'
import type { BatchPlan } from './batch-plan.ts'
import { type Batcher, createBatcher } from './batcher.ts'
import type { SnapshotProgress } from './snapshot-progress.ts'
import type { SourceMessage } from './types.ts'

export interface Worker {
  key: string
  topic: string
  partition: number
  gen: number
  batcher: Batcher
  /** Messages waiting behind the gate, each with the ticket of the fetch that brought it. */
  held: Array<{ src: SourceMessage; ticket: number }>
  heldBytes: number
  /** When the held list last went from empty to non-empty, and when that was last reported. */
  heldSince?: number | undefined
  heldReportedAt?: number | undefined
  paused: boolean
  queued: number
  queuedBytes: number
  chain: Promise<void>
  failingSince?: number | undefined
  /** A non-retriable error stopped this partition: it stays paused and commits nothing more. */
  stopped?: StopReason | undefined
  highWatermark: bigint
  committed: bigint
  /** Offset up to which batches were applied (committed, control messages given to the gate). */
  applied: bigint
  /** This partition's snapshot progress as of `committed` (kept in the commit metadata). */
  progress: SnapshotProgress[]
}

export interface NewWorker {
  topic: string
  partition: number
  gen: number
  /** The committed offset (next offset to load), undefined when the group has none. */
  committed: bigint | undefined
  plan: BatchPlan | undefined
  progress: SnapshotProgress[]
  labelPrefix: string
  flush: { rows: number; bytes: number; intervalMs: number }
}

export const workerKey = (topic: string, partition: number) => `${topic}|${partition}`

export function newWorker(o: NewWorker): Worker {
  const { topic, partition, committed } = o
  return {
    key: workerKey(topic, partition),
    topic,
    partition,
    gen: o.gen,
    batcher: createBatcher({
      topic,
      partition,
      committed,
      plan: o.plan,
      labelPrefix: o.labelPrefix,
      rows: o.flush.rows,
      bytes: o.flush.bytes,
      intervalMs: o.flush.intervalMs,
    }),
    held: [],
    heldBytes: 0,
    paused: false,
    queued: 0,
    queuedBytes: 0,
    chain: Promise.resolve(),
    highWatermark: 0n,
    committed: committed ?? -1n,
    applied: committed ?? -1n,
    progress: o.progress,
  }
}

/** A change read from the binlog (not a snapshot row, not a control message). */
export function isStreamChange(headers: Readonly<Record<string, string>>): boolean {
  return (
    headers[headerNames.binlogFile] !== undefined &&
    headers[headerNames.binlogPos] !== undefined &&
    headers[controlHeader] === undefined &&
    headers[snapshotHeaders.id] === undefined
  )
}

export function sourceOf(topic: string, partition: number, m: KafkaMessage): SourceMessage {
  return { topic, partition, offset: m.offset, key: m.key, value: m.value, headers: readHeaders(m.headers) }
}
