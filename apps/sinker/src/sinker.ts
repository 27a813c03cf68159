// The consumer side: kafkajs eachBatch (autoCommit off) → decode → per-partition batcher →
// one serial flush chain per partition (batch-flusher.ts). States of a partition worker:
//
//   created ─(fetch committed offset + plan metadata)→ ready ─ingest→ open batch ─cut→ queued
//   ready ─(stream change past the snapshot gate)→ holding (partition paused) ─gate moved→ ready
//   any ─(rebalance: generation changes)→ abandoned (nothing more is committed for it)
//
// After a rebalance kafkajs fetches every partition again from its committed offset, so all
// workers of the old generation are dropped and new ones read the plan from the metadata.
import { type ChangeDecoder, isControlMessage, parseSnapshotControl, readHeaders } from '@sync/change-message'
import type { Logger } from '@sync/service-kit'
import type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs'
import { createBatchFlusher } from './batch-flusher.ts'
import { decodeBatchPlan } from './batch-plan.ts'
import { type Batch, type Batcher, createBatcher } from './batcher.ts'
import type { SinkerMetrics } from './sinker-metrics.ts'
import { createSnapshotGate } from './snapshot-gate.ts'
import type { BufferedRow, LoadTarget, SourceMessage } from './types.ts'

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
  logger: Logger
  metrics: SinkerMetrics
}

export interface Worker {
  key: string
  topic: string
  partition: number
  gen: number
  batcher: Batcher
  held: SourceMessage[]
  heldBytes: number
  paused: boolean
  queued: number
  queuedBytes: number
  chain: Promise<void>
  failingSince?: number | undefined
  highWatermark: bigint
  committed: bigint
}

const maxQueuedBatches = 2

export function createSinker(o: SinkerOptions) {
  const { consumer, admin, logger, metrics } = o
  const gate = createSnapshotGate()
  const workers = new Map<string, Worker>()
  const pending = new Map<string, Promise<Worker>>()
  const partitionCounts = new Map<string, number>()
  let generation = 0
  let stopping = false
  let crashed: Error | undefined
  let ticker: NodeJS.Timeout | undefined
  const now = () => Date.now()

  const flusher = createBatchFlusher<Worker>({
    target: o.target,
    producer: o.producer,
    deadLetterTopic: o.deadLetterTopic,
    minTableIntervalMs: o.flush.minTableIntervalMs,
    logger,
    metrics,
    isCurrent: (w) => w.gen === generation && !crashed,
    commit: async (w, offset, metadata) => {
      await consumer.commitOffsets([
        { topic: w.topic, partition: w.partition, offset: String(offset), metadata },
      ])
      metrics.commits.inc({ topic: w.topic })
      if (metadata === null) w.committed = offset
    },
    onControls: (w, controls) => {
      let moved = false
      for (const { table, control } of controls)
        moved = gate.applied(table, w.topic, w.partition, partitionCounts.get(w.topic) ?? 1, control) || moved
      if (moved) releaseHeld()
    },
  })

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

  /** Decodes one message into the worker's batcher, or holds it behind the snapshot gate. */
  function ingest(w: Worker, src: SourceMessage) {
    const offset = BigInt(src.offset)
    const next = w.batcher.nextOffset
    if (next !== undefined && offset < next) return
    if (next !== undefined && offset > next)
      logger.warn('offset gap (compaction, transaction markers or a stale fetch)', {
        topic: w.topic,
        partition: w.partition,
        expected: String(next),
        received: src.offset,
      })
    const size = (src.value?.length ?? 0) + (src.key?.length ?? 0)
    const table = tableOf(src.topic, src.headers)
    if (w.held.length > 0 || (!w.batcher.replaying && gate.mustHold(table, src.headers))) {
      if (w.held.length === 0) enqueue(w, w.batcher.cutNow())
      w.held.push(src)
      w.heldBytes += size
      if (!w.paused) {
        w.paused = true
        consumer.pause([{ topic: w.topic, partitions: [w.partition] }])
        logger.info('holding stream changes behind an open snapshot', {
          topic: w.topic,
          partition: w.partition,
          table,
        })
      }
      return
    }
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
      for (const m of held) ingest(w, m)
      if (w.held.length === 0 && w.paused) {
        w.paused = false
        consumer.resume([{ topic: w.topic, partitions: [w.partition] }])
        logger.info('released held stream changes', {
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
    let over = bufferedBytes() - o.flush.memoryBudgetBytes
    if (over <= 0) return false
    const byBytes = [...workers.values()]
      .filter((w) => w.batcher.hasOpen)
      .sort((a, b) => b.batcher.bytes - a.batcher.bytes)
    for (const w of byBytes) {
      if (over <= 0) break
      const b = w.batcher.cutNow()
      if (b) over -= 0 // queued bytes stay in memory until loaded; waiting below lets them drain
      enqueue(w, b)
    }
    return true
  }

  async function eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) {
    if (stopping) return
    const gen = generation
    const w = await workerFor(batch.topic, batch.partition)
    if (w.gen !== generation) return
    w.highWatermark = BigInt(batch.highWatermark)
    // only what was taken is resolved: anything left (a stop, a rebalance) is fetched again
    for (const m of batch.messages) {
      if (stopping || gen !== generation || w.gen !== generation) return
      ingest(w, sourceOf(batch.topic, batch.partition, m))
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

  function tick() {
    const t = now()
    let held = 0
    for (const w of workers.values()) {
      if (w.gen !== generation) continue
      enqueue(w, w.batcher.cutIfDue(t))
      held += w.held.length
      if (w.committed >= 0n)
        metrics.lag.set({ topic: w.topic, partition: w.partition }, Number(w.highWatermark - w.committed))
    }
    metrics.buffered.set(undefined, bufferedBytes())
    metrics.held.set(undefined, held)
  }

  function newGeneration(reason: string) {
    generation += 1
    for (const w of workers.values()) {
      if (w.paused) consumer.resume([{ topic: w.topic, partitions: [w.partition] }])
      if (w.queued > 0 || w.batcher.hasOpen) metrics.abandoned.inc({ reason })
    }
    workers.clear()
  }

  return {
    async start() {
      await Promise.all([consumer.connect(), admin.connect(), o.producer.connect()])
      consumer.on(consumer.events.REBALANCING, () => newGeneration('rebalance'))
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        newGeneration('rebalance')
        logger.info('joined the consumer group', {
          generation: e.payload.groupId,
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
        (w) => w.failingSince !== undefined && now() - w.failingSince > 60_000,
      )
      const ok = !crashed && failing.length === 0
      return {
        ok,
        checks: {
          consumer: crashed ? { ok: false, detail: `crashed: ${crashed.message}` } : { ok: true },
          loads: failing.length
            ? {
                ok: false,
                detail: `loads failing for over a minute: ${failing.map((w) => w.key).join(', ')}`,
              }
            : { ok: true },
        },
      }
    },
    get crashed() {
      return crashed
    },
    gate,
  }
}

export type Sinker = ReturnType<typeof createSinker>
