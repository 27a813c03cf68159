// The consumer side: kafkajs eachBatch (autoCommit off) → decode → per-partition batcher →
// one serial flush chain per partition (batch-flusher.ts). States of a partition worker:
//
//   created ─(fetch committed offset + plan metadata)→ ready ─ingest→ open batch ─cut→ queued
//   ready ─(stream change past the snapshot gate, or the table's batch topics not caught up
//          since the change was fetched: catch-up.ts)→ holding (the open batch stays open;
//          the partition is paused behind an open snapshot or past 16 MiB held)
//   holding ─(gate moved / batch topics caught up)→ ready
//   any ─(rebalance: generation changes)→ abandoned (nothing more is committed for it)
//
// After a rebalance kafkajs fetches every partition again from its committed offset, so all
// workers of the old generation are dropped and new ones read the plan from the metadata.
import {
  type ChangeDecoder,
  controlHeader,
  headerNames,
  isControlMessage,
  parseSnapshotControl,
  readHeaders,
  snapshotHeaders,
} from '@sync/change-message'
import type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs'
import { createBatchFlusher, type StopReason } from './batch-flusher.ts'
import { decodeBatchPlan, decodeSnapshotProgress } from './batch-plan.ts'
import { type Batch, type Batcher, createBatcher } from './batcher.ts'
import { createCatchUp } from './catch-up.ts'
import type { SinkMetrics } from './metrics.ts'
import { createSnapshotGate } from './snapshot-gate.ts'
import type { SnapshotProgress } from './snapshot-progress.ts'
import type { BufferedRow, LoadTarget, SinkLogger, SourceMessage } from './types.ts'

export interface SinkerOptions {
  consumer: Consumer
  admin: Admin
  producer: Producer
  decoder: ChangeDecoder
  /** Opens snapshot control messages (same keys as the decoder). */
  openControl: (value: Buffer) => string
  target: LoadTarget
  groupId: string
  topics: readonly string[]
  topicPattern?: string | undefined
  fromBeginning: boolean
  topicToTable: Readonly<Record<string, string>>
  flush: {
    rows: number
    bytes: number
    intervalMs: number
    minTableIntervalMs: number
    memoryBudgetBytes: number
  }
  labelPrefix: string
  deadLetterTopic: string
  partitionsConsumedConcurrently?: number
  logger: SinkLogger
  metrics: SinkMetrics
  /** Wall clock (ms): flush intervals, hold reports, health, the stop deadline. */
  now: () => number
}

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

const maxQueuedBatches = 2
/** A partition holding stream changes for longer than this is reported (and again each period). */
const longHoldMs = 30_000
/** Held bytes of a partition waiting for catch-up before it is paused. */
const maxHeldUnpausedBytes = 16 * 1024 * 1024

/** A change read from the binlog (not a snapshot row, not a control message). */
function isStreamChange(headers: Readonly<Record<string, string>>): boolean {
  return (
    headers[headerNames.binlogFile] !== undefined &&
    headers[headerNames.binlogPos] !== undefined &&
    headers[controlHeader] === undefined &&
    headers[snapshotHeaders.id] === undefined
  )
}

export function createSinker(o: SinkerOptions) {
  const { consumer, admin, logger, metrics } = o
  const gate = createSnapshotGate()
  const workers = new Map<string, Worker>()
  /**
   * Partitions stopped by a non-retriable error, by worker key: kept across generations
   * (health stays not ok) until a batch of the partition loads again, or it is assigned
   * elsewhere.
   */
  const stoppedParts = new Map<string, StopReason>()
  const pending = new Map<string, Promise<Worker>>()
  const partitionCounts = new Map<string, number>()
  let generation = 0
  let stopping = false
  let crashed: Error | undefined
  let ticker: NodeJS.Timeout | undefined
  const { now } = o
  /** This member's partitions, from the last group join. */
  let assignment: Record<string, number[]> = {}
  /** Topics seen carrying stream changes: they are nobody's batch topic. */
  const streamTopics = new Set<string>()
  const catchUp = createCatchUp({
    fetchEnds: async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map((p) => ({
        partition: p.partition,
        high: BigInt(p.high),
        low: BigInt(p.low),
      })),
    fetchCommitted: async (topic) => {
      const r = await admin.fetchOffsets({ groupId: o.groupId, topics: [topic] })
      const partitions = r[0]?.partitions ?? []
      // the snapshot progress committed with them: known to the gate before the targets
      // built from these offsets let any stream change of the topic's tables through
      restoreProgress(
        topic,
        await partitionCount(topic),
        partitions.flatMap((p) =>
          decodeSnapshotProgress(p.metadata).map((progress) => ({ partition: p.partition, progress })),
        ),
      )
      return new Map(partitions.map((p) => [p.partition, BigInt(p.offset)]))
    },
    applied: (topic, partition) => {
      const w = workers.get(`${topic}|${partition}`)
      return w && w.gen === generation ? w.applied : undefined
    },
    assigned: (topic, partition) => assignment[topic]?.includes(partition) ?? false,
    fromBeginning: o.fromBeginning,
    onCaughtUp: () => {
      releaseHeld()
      closeEndedSnapshots()
    },
    onError: (topic, err) =>
      logger.warn('could not read the end offsets of a batch topic', { topic, error: err }),
  })
  const pattern = o.topicPattern ? new RegExp(o.topicPattern) : undefined
  const subscribed = (t: string) => o.topics.includes(t) || (pattern?.test(t) ?? false)
  /** The topics that may carry snapshots of `table`: the other subscribed topics mapped to it. */
  const batchTopicsOf = (table: string, own: string) =>
    Object.entries(o.topicToTable)
      .filter(([t, tb]) => tb === table && t !== own && !streamTopics.has(t) && subscribed(t))
      .map(([t]) => t)

  const flusher = createBatchFlusher<Worker>({
    target: o.target,
    producer: o.producer,
    deadLetterTopic: o.deadLetterTopic,
    minTableIntervalMs: o.flush.minTableIntervalMs,
    logger,
    metrics,
    now,
    isCurrent: (w) => w.gen === generation && !crashed,
    commit: async (w, offset, metadata, done) => {
      await consumer.commitOffsets([
        { topic: w.topic, partition: w.partition, offset: String(offset), metadata },
      ])
      metrics.commits.inc({ topic: w.topic })
      if (done) {
        w.committed = offset
        // the batch a previous generation stopped on has loaded after all
        if (stoppedParts.delete(w.key))
          logger.info('loading resumed on a partition that had stopped', {
            topic: w.topic,
            partition: w.partition,
          })
      }
    },
    onStopped: (w, reason) => {
      stoppedParts.set(w.key, reason)
      metrics.stopped.inc({ code: reason.code, table: reason.table ?? '' })
      if (w.gen === generation && !w.paused) {
        w.paused = true
        consumer.pause([{ topic: w.topic, partitions: [w.partition] }])
      }
      logger.error(
        'loading stopped on a non-retriable error: the partition is paused and nothing after the failed batch is committed; fix the cause and restart the sinker',
        {
          topic: w.topic,
          partition: w.partition,
          table: reason.table,
          code: reason.code,
          label: reason.label,
          uncommittedFrom: String(reason.first),
          error: reason.error,
        },
      )
    },
    onApplied: (w, next, controls) => {
      if (next > w.applied) w.applied = next
      let moved = false
      for (const { table, control } of controls)
        moved = gate.applied(table, w.topic, w.partition, partitionCounts.get(w.topic) ?? 1, control) || moved
      for (const { table, control } of controls) {
        if (control.type !== 'snapshot-end' || endTickets.has(table)) continue
        const part = gate.endedInPart(table)
        if (part) endTickets.set(table, { ...part, ticket: catchUp.ticket() })
      }
      if (moved) releaseHeld()
      catchUp.check()
      closeEndedSnapshots()
    },
  })

  /**
   * Snapshots ended on some partitions only (this process started in the middle of them):
   * closed once their batch topic is applied up to end offsets fetched after the end was.
   */
  const endTickets = new Map<string, { snapshotId: string; batchTopic: string; ticket: number }>()
  function closeEndedSnapshots() {
    let moved = false
    for (const [table, e] of endTickets) {
      if (!catchUp.caughtUp(e.batchTopic, e.ticket)) continue
      endTickets.delete(table)
      if (!gate.close(table, e.snapshotId)) continue
      moved = true
      logger.info('snapshot closed: its batch topic is applied past snapshot-end on every partition', {
        table,
        snapshotId: e.snapshotId,
        topic: e.batchTopic,
      })
    }
    if (moved) releaseHeld()
  }

  /** Snapshots already reported as restored (one log line each). */
  const restoredLogged = new Set<string>()

  /**
   * Merges the committed snapshot progress of batch partitions into the gate; open entries
   * first, so that an end committed on one partition counts for the snapshot another one opens.
   */
  function restoreProgress(
    topic: string,
    partitions: number,
    entries: ReadonlyArray<{ partition: number; progress: SnapshotProgress }>,
  ) {
    let moved = false
    const ordered = [...entries.filter((e) => !e.progress.ended), ...entries.filter((e) => e.progress.ended)]
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
      // an end a previous owner applied on some partitions: closed once caught up (as applied)
      const part = gate.endedInPart(p.table)
      if (part && !endTickets.has(p.table)) endTickets.set(p.table, { ...part, ticket: catchUp.ticket() })
    }
    if (moved) releaseHeld()
  }

  const tableOf = (topic: string, headers: Record<string, string>) =>
    o.topicToTable[topic] ?? headers['sync-target'] ?? topic

  async function partitionCount(topic: string): Promise<number> {
    let n = partitionCounts.get(topic)
    if (n === undefined) {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      n = meta.topics[0]?.partitions.length ?? 1
      partitionCounts.set(topic, n)
    }
    return n
  }

  async function createWorker(topic: string, partition: number, gen: number): Promise<Worker> {
    await partitionCount(topic)
    const offsets = await admin.fetchOffsets({ groupId: o.groupId, topics: [topic] })
    const p = offsets[0]?.partitions.find((x) => x.partition === partition)
    const committed = p && Number(p.offset) >= 0 ? BigInt(p.offset) : undefined
    const plan = decodeBatchPlan(p?.metadata)
    if (plan)
      logger.info('re-forming the planned batch', { topic, partition, from: String(committed), ...plan })
    const progress = decodeSnapshotProgress(p?.metadata)
    restoreProgress(
      topic,
      partitionCounts.get(topic) ?? 1,
      progress.map((x) => ({ partition, progress: x })),
    )
    return {
      key: `${topic}|${partition}`,
      topic,
      partition,
      gen,
      batcher: createBatcher({
        topic,
        partition,
        committed,
        plan,
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
      progress,
    }
  }

  async function workerFor(topic: string, partition: number): Promise<Worker> {
    const key = `${topic}|${partition}`
    const w = workers.get(key)
    if (w && w.gen === generation) return w
    let p = pending.get(key)
    if (!p) {
      const gen = generation
      p = createWorker(topic, partition, gen).then((nw) => {
        if (gen === generation) workers.set(key, nw)
        return nw
      })
      pending.set(key, p)
      p.finally(() => pending.delete(key)).catch(() => {})
    }
    return p
  }

  function enqueue(w: Worker, batch: Batch | undefined) {
    if (!batch) return
    logger.debug('batch cut', {
      topic: w.topic,
      partition: w.partition,
      first: String(batch.first),
      last: String(batch.last),
      rows: batch.rows,
      dead: batch.dead.length,
      label: batch.label,
    })
    w.queued += 1
    w.queuedBytes += batch.bytes
    w.chain = w.chain
      .then(() => flusher.flush(w, batch))
      .finally(() => {
        w.queued -= 1
        w.queuedBytes -= batch.bytes
      })
  }

  function sourceOf(topic: string, partition: number, m: KafkaMessage): SourceMessage {
    return { topic, partition, offset: m.offset, key: m.key, value: m.value, headers: readHeaders(m.headers) }
  }

  /** Whether a stream change must wait for the batch topics of its table to be caught up. */
  function behindBatchTopics(table: string, topic: string, ticket: number): boolean {
    let behind = false
    for (const t of batchTopicsOf(table, topic)) if (!catchUp.caughtUp(t, ticket)) behind = true
    return behind
  }

  /** Decodes one message into the worker's batcher, or holds it behind the snapshot gate. */
  function ingest(w: Worker, src: SourceMessage, ticket: number) {
    const offset = BigInt(src.offset)
    const next = w.batcher.nextOffset
    if (next !== undefined && offset < next) return
    const size = (src.value?.length ?? 0) + (src.key?.length ?? 0)
    const table = tableOf(src.topic, src.headers)
    const stream = isStreamChange(src.headers)
    if (stream) streamTopics.add(src.topic)
    const held = w.held.length > 0
    const behind = !held && stream && !w.batcher.replaying && behindBatchTopics(table, src.topic, ticket)
    if (held || behind || (!w.batcher.replaying && gate.mustHold(table, src.headers))) {
      // the open batch stays open: it ends before the held message, the held messages join
      // it (or the next one) in order once released, and the interval or a threshold cuts it
      // as usual. Cutting here made every fetch a load (one catch-up wait per fetch).
      w.heldSince ??= now()
      w.held.push({ src, ticket })
      w.heldBytes += size
      // a catch-up wait is short (one end-offset request): the partition keeps fetching
      // into the held list, so one request covers many fetches; a snapshot wait (or a big
      // held list) pauses it
      if (!w.paused && (gate.isOpen(table) || w.heldBytes > maxHeldUnpausedBytes)) {
        w.paused = true
        consumer.pause([{ topic: w.topic, partitions: [w.partition] }])
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
    const t = now()
    if (isControlMessage(src.headers)) {
      try {
        const control = parseSnapshotControl(
          o.openControl(src.value ?? Buffer.alloc(0)),
          `${src.topic}-${src.partition}@${src.offset}`,
        )
        enqueue(w, w.batcher.add(offset, { kind: 'control', table, control, bytes: size }, t))
      } catch (err) {
        const e = err as { code?: string; message: string }
        enqueue(
          w,
          w.batcher.add(
            offset,
            {
              kind: 'dead',
              dead: { origin: src, code: e.code ?? 'CM_PARSE', message: e.message },
              bytes: size,
            },
            t,
          ),
        )
      }
      return
    }
    try {
      const c = o.decoder.decode(src, `${src.topic}-${src.partition}@${src.offset}`)
      const row: BufferedRow = {
        table,
        op: c.op,
        row: c.row,
        rowJson: c.rowJson,
        bytes: size + c.rowJson.length,
        origin: src,
      }
      enqueue(w, w.batcher.add(offset, { kind: 'row', row }, t))
    } catch (err) {
      const e = err as { code?: string; message: string }
      enqueue(
        w,
        w.batcher.add(
          offset,
          {
            kind: 'dead',
            dead: { origin: src, code: e.code ?? 'CM_PARSE', message: e.message },
            bytes: size,
          },
          t,
        ),
      )
    }
  }

  function releaseHeld() {
    for (const w of workers.values()) {
      if (w.gen !== generation || w.held.length === 0) continue
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
        consumer.resume([{ topic: w.topic, partitions: [w.partition] }])
        logger.debug('released held stream changes', {
          topic: w.topic,
          partition: w.partition,
          messages: held.length,
        })
      }
    }
  }

  function bufferedBytes(): number {
    let n = 0
    for (const w of workers.values()) n += w.batcher.bytes + w.queuedBytes + w.heldBytes
    return n
  }

  /** Over the memory budget: flush the biggest open buffers first. */
  function relieveMemory() {
    // held messages cannot be flushed (they wait for other partitions): not counted here,
    // their partitions are paused instead
    // neither do the buffers of a stopped partition (they stay until a restart)
    let heldBytes = 0
    for (const w of workers.values())
      heldBytes += w.stopped ? w.batcher.bytes + w.queuedBytes + w.heldBytes : w.heldBytes
    const over = bufferedBytes() - heldBytes - o.flush.memoryBudgetBytes
    if (over <= 0) return false
    // batches already cut are on their way out: count them against the excess, or a slow
    // load would make every pass cut yet another buffer until nothing is left open
    let queuedBytes = 0
    for (const w of workers.values()) queuedBytes += w.queuedBytes
    let toCut = over - queuedBytes
    const byBytes = [...workers.values()]
      .filter((w) => w.batcher.hasOpen && !w.stopped)
      .sort((a, b) => b.batcher.bytes - a.batcher.bytes)
    // cut the biggest open buffers until what is cut covers the excess; cut batches stay in
    // memory (queued) until loaded, and the caller waits for them to drain
    for (const w of byBytes) {
      if (toCut <= 0) break
      toCut -= w.batcher.bytes
      metrics.budgetCuts.inc({ topic: w.topic })
      enqueue(w, w.batcher.cutNow())
    }
    return true
  }

  async function eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) {
    if (stopping) return
    const gen = generation
    const ticket = catchUp.ticket()
    const w = await workerFor(batch.topic, batch.partition)
    if (w.gen !== generation || w.stopped) return
    w.highWatermark = BigInt(batch.highWatermark)
    // only what was taken is resolved: anything left (a stop, a rebalance) is fetched again
    for (const m of batch.messages) {
      if (stopping || gen !== generation || w.gen !== generation) return
      ingest(w, sourceOf(batch.topic, batch.partition, m), ticket)
      resolveOffset(m.offset)
    }
    // back-pressure: pause consumption (stay in eachBatch) while over budget or while this
    // partition has enough batches queued
    while (!stopping && gen === generation && isRunning() && !isStale()) {
      const overBudget = relieveMemory()
      if (!overBudget && w.queued < maxQueuedBatches) break
      await new Promise((r) => setTimeout(r, 50))
      await heartbeat()
    }
  }

  /** A hold that lasts is reported with what it waits for: the snapshot gate or the batch topics. */
  function reportLongHold(w: Worker, t: number) {
    if (w.held.length === 0 || w.heldSince === undefined || t - w.heldSince < longHoldMs) return
    if (w.heldReportedAt !== undefined && t - w.heldReportedAt < longHoldMs) return
    w.heldReportedAt = t
    const first = w.held[0]!.src
    const table = tableOf(first.topic, first.headers)
    logger.warn('stream changes held for a long time', {
      topic: w.topic,
      partition: w.partition,
      table,
      held: w.held.length,
      heldMs: t - w.heldSince,
      firstOffset: first.offset,
      waitingFor: gate.isOpen(table) ? 'an open snapshot' : 'the batch topics to be caught up',
      snapshotReleasedUpTo: gate.released(table),
      batchTopics: batchTopicsOf(table, w.topic),
    })
  }

  function tick() {
    const t = now()
    let held = 0
    for (const w of workers.values()) {
      if (w.gen !== generation) continue
      // while the previous batch is still queued or loading (a table's load slot, a slow
      // target), the open batch keeps growing instead of queueing one small batch per interval
      if (w.queued === 0 && !w.stopped) enqueue(w, w.batcher.cutIfDue(t))
      held += w.held.length
      reportLongHold(w, t)
      if (w.committed >= 0n)
        metrics.lag.set({ topic: w.topic, partition: w.partition }, Number(w.highWatermark - w.committed))
    }
    catchUp.tick()
    closeEndedSnapshots()
    metrics.buffered.set(undefined, bufferedBytes())
    metrics.held.set(undefined, held)
  }

  /**
   * The gate works per process: the batch and stream partitions of a table must all be
   * consumed here. Warns when the group split them (unassigned partitions are not waited for).
   */
  async function warnSplitTables(mine: Record<string, number[]>) {
    const byTable = new Map<string, string[]>()
    for (const [t, table] of Object.entries(o.topicToTable))
      if (subscribed(t)) byTable.set(table, [...(byTable.get(table) ?? []), t])
    for (const [table, topics] of byTable) {
      if (topics.length < 2 || !topics.some((t) => (mine[t]?.length ?? 0) > 0)) continue
      try {
        const missing: string[] = []
        for (const t of topics) {
          const n = await partitionCount(t)
          for (let p = 0; p < n; p++) if (!mine[t]?.includes(p)) missing.push(`${t}-${p}`)
        }
        if (missing.length > 0)
          logger.warn(
            'the consumer group split the topics of a table: the snapshot/stream handoff is not guaranteed for it',
            { table, topics, notAssignedHere: missing },
          )
      } catch (err) {
        logger.warn('could not check the assignment of a table', { table, error: err })
      }
    }
  }

  function newGeneration(reason: string) {
    generation += 1
    for (const w of workers.values()) {
      if (w.paused) consumer.resume([{ topic: w.topic, partitions: [w.partition] }])
      if (w.queued > 0 || w.batcher.hasOpen) metrics.abandoned.inc({ reason })
    }
    workers.clear()
    catchUp.reset()
  }

  return {
    async start() {
      await Promise.all([consumer.connect(), admin.connect(), o.producer.connect()])
      consumer.on(consumer.events.REBALANCING, () => newGeneration('rebalance'))
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        newGeneration('rebalance')
        assignment = e.payload.memberAssignment
        // a stopped partition assigned elsewhere is its new owner's to report
        for (const key of stoppedParts.keys()) {
          const i = key.lastIndexOf('|')
          if (!assignment[key.slice(0, i)]?.includes(Number(key.slice(i + 1)))) stoppedParts.delete(key)
        }
        void warnSplitTables(assignment)
        logger.info('joined the consumer group', {
          groupId: e.payload.groupId,
          memberId: e.payload.memberId,
          isLeader: e.payload.isLeader,
          assignment: e.payload.memberAssignment,
        })
      })
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) crashed = e.payload.error
        logger.error('consumer crashed', { error: e.payload.error, restart: e.payload.restart })
      })
      const subscription = o.topicPattern ? [...o.topics, new RegExp(o.topicPattern)] : [...o.topics]
      await consumer.subscribe({ topics: subscription, fromBeginning: o.fromBeginning })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 4,
        eachBatch,
      })
      ticker = setInterval(tick, Math.max(10, Math.min(100, Math.floor(o.flush.intervalMs / 4))))
    },

    /** Graceful stop: no more fetching, flush what is buffered, wait up to `timeoutMs`, leave. */
    async stop(timeoutMs: number): Promise<{ flushed: boolean }> {
      stopping = true
      const deadline = now() + timeoutMs
      for (const w of workers.values()) {
        if (w.paused) continue
        consumer.pause([{ topic: w.topic, partitions: [w.partition] }])
      }
      for (const w of workers.values()) if (w.gen === generation) enqueue(w, w.batcher.cutNow())
      const chains = Promise.allSettled([...workers.values()].map((w) => w.chain))
      const left = Math.max(0, deadline - now() - 1500)
      const flushed = await Promise.race([
        chains.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), left)),
      ])
      // whatever did not finish is abandoned: its plan is in the metadata for the next owner
      generation += 1
      if (ticker) clearInterval(ticker)
      await Promise.race([
        Promise.allSettled([consumer.disconnect(), admin.disconnect(), o.producer.disconnect()]),
        new Promise((r) => setTimeout(r, Math.max(100, deadline - now() - 300))),
      ])
      await o.target.close().catch(() => {})
      return { flushed }
    },

    health() {
      const failing = [...workers.values()].filter(
        (w) => w.gen === generation && w.failingSince !== undefined && now() - w.failingSince > 60_000,
      )
      const stopped = [...stoppedParts].map(
        ([key, r]) =>
          `${r.code} ${r.table ?? '(no table)'} on ${key.replace('|', '-')} from offset ${r.first}: ${r.message}`,
      )
      const problems = [
        ...(stopped.length ? [`loading stopped on a non-retriable error: ${stopped.join('; ')}`] : []),
        ...(failing.length
          ? [`loads failing for over a minute: ${failing.map((w) => w.key).join(', ')}`]
          : []),
      ]
      return {
        ok: !crashed && problems.length === 0,
        checks: {
          consumer: crashed ? { ok: false, detail: `crashed: ${crashed.message}` } : { ok: true },
          loads: problems.length ? { ok: false, detail: problems.join('; ') } : { ok: true },
        },
      }
    },
    /** Partitions stopped by a non-retriable error, by `topic|partition`. */
    get stopped(): ReadonlyMap<string, StopReason> {
      return stoppedParts
    },
    get crashed() {
      return crashed
    },
    gate,
  }
}

export type Sinker = ReturnType<typeof createSinker>
