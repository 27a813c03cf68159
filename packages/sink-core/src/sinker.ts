// The consumer side: kafkajs eachBatch (autoCommit off) → decode → per-partition batcher →
// one serial flush chain per partition (batch-flusher.ts). States of a partition worker
// (partition-worker.ts):
//
//   created ─(fetch committed offset, plan and snapshot progress from the metadata)→ ready
//   ready ─ingest→ open batch ─cut (size, interval, control, budget, stop)→ queued → flushed
//   ready ─(stream change past the snapshot gate, or the table's batch topics not caught up
//          since the change was fetched: catch-up.ts)→ holding (the open batch stays open;
//          the partition is paused behind an open snapshot or past 16 MiB held)
//   holding ─(gate moved / batch topics caught up)→ ready
//   any ─(non-retriable load error)→ stopped (paused, nothing more committed: health not ok)
//   any ─(rebalance: generation changes)→ abandoned (nothing more is committed for it)
//
// After a rebalance kafkajs fetches every partition again from its committed offset, so all
// workers of the old generation are dropped and new ones read the plan from the metadata.
import type { EachBatchPayload } from 'kafkajs'
import { createBatchFlusher, type StopReason } from './batch-flusher.ts'
import { decodeBatchPlan, decodeSnapshotProgress } from './batch-plan.ts'
import type { Batch } from './batcher.ts'
import { createCatchUp } from './catch-up.ts'
import { isConsumerRestarting, setPartitionPaused } from './consumer-restart.ts'
import { SinkError } from './errors.ts'
import { createIngest } from './ingest.ts'
import { budgetCuts, bufferedBytes } from './memory-budget.ts'
import { newWorker, sourceOf, type Worker, workerKey } from './partition-worker.ts'
import { type SinkerHealth, sinkerHealth } from './sinker-health.ts'
import { defaultSinkerOptions, type SinkerOptions, validateSinkerOptions } from './sinker-options.ts'
import { createSnapshotGate } from './snapshot-gate.ts'
import { createHandoff } from './snapshot-handoff.ts'
import { warnSplitTables } from './split-tables.ts'

export type { SinkerOptions } from './sinker-options.ts'

/** Batches of a partition queued before its consumption waits (back-pressure). */
const maxQueuedBatches = 2

export function createSinker(options: SinkerOptions) {
  validateSinkerOptions(options)
  const o = { ...defaultSinkerOptions, ...options }
  const { consumer, admin, logger, metrics, now } = o
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
  /** This member's partitions, from the last group join. */
  let assignment: Record<string, number[]> = {}
  /** Topics seen carrying stream changes: they are nobody's batch topic. */
  const streamTopics = new Set<string>()

  const handoff = createHandoff({
    gate,
    ticket: () => catchUp.ticket(),
    caughtUp: (topic, ticket) => catchUp.caughtUp(topic, ticket),
    onMoved: () => releaseHeld(),
    logger,
  })
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
      handoff.restore(
        topic,
        await partitionCount(topic),
        partitions.flatMap((p) =>
          decodeSnapshotProgress(p.metadata).map((progress) => ({ partition: p.partition, progress })),
        ),
      )
      return new Map(partitions.map((p) => [p.partition, BigInt(p.offset)]))
    },
    applied: (topic, partition) => {
      const w = workers.get(workerKey(topic, partition))
      return w && w.gen === generation ? w.applied : undefined
    },
    assigned: (topic, partition) => assignment[topic]?.includes(partition) ?? false,
    fromBeginning: o.fromBeginning,
    onCaughtUp: () => {
      releaseHeld()
      handoff.closeEnded()
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
  const tableOf = (topic: string, headers: Record<string, string>) =>
    o.topicToTable[topic] ?? headers['sync-target'] ?? topic

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
      try {
        await consumer.commitOffsets([
          { topic: w.topic, partition: w.partition, offset: String(offset), metadata },
        ])
      } catch (err) {
        // kafkajs restarting its consumer (its own retry loop; the CRASH event with restart:
        // true comes only after it has already dropped the group): the group's membership is
        // in limbo and the batches in flight are no longer ours to finish. A new generation
        // re-forms them from what the group has stored once it has rejoined.
        if (isConsumerRestarting(err) && w.gen === generation) newGeneration('consumer restart')
        throw err
      }
      if (!done) {
        // The plan must be what the group stores before anything is loaded under its label:
        // a plan answered but not stored (seen while kafkajs restarted its consumer during a
        // broker outage) let the next owner form a different batch over rows already loaded.
        const stored = await admin.fetchOffsets({ groupId: o.groupId, topics: [w.topic] })
        const p = stored[0]?.partitions.find((x) => x.partition === w.partition)
        if (p?.offset !== String(offset) || (p.metadata ?? null) !== (metadata ?? null))
          throw new SinkError(
            'SINK_PLAN_NOT_STORED',
            `the plan of ${w.topic}-${w.partition} at offset ${offset} was not stored by the group (it holds offset ${p?.offset ?? 'none'})`,
            { retriable: true },
          )
      }
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
        setPartitionPaused(consumer, w, true, logger)
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
      handoff.applied(w.topic, w.partition, partitionCounts.get(w.topic) ?? 1, controls)
      catchUp.check()
      handoff.closeEnded()
    },
  })

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
    const partitions = await partitionCount(topic)
    const offsets = await admin.fetchOffsets({ groupId: o.groupId, topics: [topic] })
    const p = offsets[0]?.partitions.find((x) => x.partition === partition)
    const committed = p && Number(p.offset) >= 0 ? BigInt(p.offset) : undefined
    const plan = decodeBatchPlan(p?.metadata)
    if (plan)
      logger.info('re-forming the planned batch', { topic, partition, from: String(committed), ...plan })
    const progress = decodeSnapshotProgress(p?.metadata)
    handoff.restore(
      topic,
      partitions,
      progress.map((x) => ({ partition, progress: x })),
    )
    return newWorker({
      topic,
      partition,
      gen,
      committed,
      plan,
      progress,
      labelPrefix: o.labelPrefix,
      flush: o.flush,
    })
  }

  async function workerFor(topic: string, partition: number): Promise<Worker> {
    const key = workerKey(topic, partition)
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

  const { ingest, releaseHeld, reportLongHold } = createIngest({
    decoder: o.decoder,
    openControl: o.openControl,
    gate,
    caughtUp: (topic, ticket) => catchUp.caughtUp(topic, ticket),
    batchTopicsOf,
    tableOf,
    onStreamTopic: (topic) => streamTopics.add(topic),
    current: () => [...workers.values()].filter((w) => w.gen === generation),
    pause: (w) => setPartitionPaused(consumer, w, true, logger),
    resume: (w) => setPartitionPaused(consumer, w, false, logger),
    enqueue,
    logger,
    now,
  })

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

  /** Over the memory budget: cuts the biggest open buffers; true while over it. */
  function relieveMemory(): boolean {
    const { over, cut } = budgetCuts([...workers.values()], o.flush.memoryBudgetBytes)
    for (const w of cut) {
      metrics.budgetCuts.inc({ topic: w.topic })
      enqueue(w, w.batcher.cutNow())
    }
    return over
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

  /** When each table's last batch was cut by the interval (its load slot is taken then). */
  const intervalCutAt = new Map<string, number>()

  /**
   * Cuts the open batches whose interval elapsed, oldest first, when their tables may load
   * now. A batch that would wait for a table's slot (flush.minTableIntervalMs: the table's
   * other partitions load first) stays open and keeps growing, and so does one whose
   * partition's previous batch is still queued or loading: cut early, it would wait anyway
   * and its rows would wait twice. Younger batches of a table wait behind an older one.
   */
  function cutDue(t: number) {
    const min = o.flush.minTableIntervalMs
    const due = [...workers.values()]
      .filter((w) => w.gen === generation && !w.stopped && w.queued === 0 && w.batcher.isDue(t))
      .sort((a, b) => a.batcher.openedAt - b.batcher.openedAt)
    const taken = new Set<string>()
    for (const w of due) {
      const tables = w.batcher.openTables
      const free = tables.every(
        (tb) =>
          !taken.has(tb) && flusher.nextLoadAt(tb) <= t && (intervalCutAt.get(tb) ?? -Infinity) + min <= t,
      )
      if (min > 0) for (const tb of tables) taken.add(tb)
      if (!free) continue
      for (const tb of tables) intervalCutAt.set(tb, t)
      enqueue(w, w.batcher.cutIfDue(t))
    }
  }

  function tick() {
    const t = now()
    let held = 0
    cutDue(t)
    for (const w of workers.values()) {
      if (w.gen !== generation) continue
      held += w.held.length
      reportLongHold(w, t)
      if (w.committed >= 0n)
        metrics.lag.set({ topic: w.topic, partition: w.partition }, Number(w.highWatermark - w.committed))
    }
    catchUp.tick()
    handoff.closeEnded()
    metrics.buffered.set(undefined, bufferedBytes(workers.values()))
    metrics.held.set(undefined, held)
  }

  function newGeneration(reason: string) {
    generation += 1
    for (const w of workers.values()) {
      if (w.paused) setPartitionPaused(consumer, w, false, logger)
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
        void warnSplitTables({
          mine: assignment,
          topicToTable: o.topicToTable,
          subscribed,
          partitionCount,
          logger,
        })
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
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently,
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
        setPartitionPaused(consumer, w, true, logger)
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

    health(): SinkerHealth {
      return sinkerHealth({
        crashed,
        workers: [...workers.values()].filter((w) => w.gen === generation),
        stopped: stoppedParts,
        now: now(),
      })
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
